import type { ProviderFormat } from "./provider-schema";

/** Where each wire format keeps its endpoints under a base URL, and how its model list reads. */
export interface FormatEndpoints {
  /** Path of the generation call. Fixed per provider except for Gemini, whose model and mode are in the path. */
  generatePath(model: string, stream: boolean, chatPathOverride: string | undefined): string;
  /** True when `generatePath` depends on the model or stream flag (it cannot be precomputed). */
  pathVariesByRequest: boolean;
  /** Path of the upstream's own token counter, if the format has one. */
  countTokensPath?(model: string): string;
  /** Model ids out of a `GET <modelsPath>` body, or null when the body is not a model list. */
  readModelIds(body: unknown): string[] | null;
}

function readDataIds(body: unknown): string[] | null {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return null;
  return data.flatMap((m) => (typeof (m as { id?: unknown })?.id === "string" ? [(m as { id: string }).id] : []));
}

const geminiModelPath = (model: string) => `/models/${model.startsWith("models/") ? model.slice(7) : model}`;

export const FORMAT_ENDPOINTS: Record<ProviderFormat, FormatEndpoints> = {
  "openai-chat": {
    generatePath: (_model, _stream, override) => override ?? "/chat/completions",
    pathVariesByRequest: false,
    readModelIds: readDataIds,
  },
  anthropic: {
    generatePath: (_model, _stream, override) => override ?? "/messages",
    pathVariesByRequest: false,
    countTokensPath: () => "/messages/count_tokens",
    readModelIds: readDataIds,
  },
  "openai-responses": {
    generatePath: (_model, _stream, override) => override ?? "/responses",
    pathVariesByRequest: false,
    countTokensPath: () => "/responses/input_tokens",
    readModelIds: readDataIds,
  },
  gemini: {
    generatePath: (model, stream) => `${geminiModelPath(model)}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    pathVariesByRequest: true,
    countTokensPath: (model) => `${geminiModelPath(model)}:countTokens`,
    readModelIds(body) {
      const models = (body as { models?: unknown } | null)?.models;
      if (!Array.isArray(models)) return null;
      return models.flatMap((m) => {
        const name = (m as { name?: unknown })?.name;
        return typeof name === "string" ? [name.startsWith("models/") ? name.slice(7) : name] : [];
      });
    },
  },
};
