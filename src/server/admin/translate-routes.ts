import { Elysia } from "elysia";
import { z } from "zod";
import { translateDocument } from "../../formats/translate-document";
import { FormatRequestError } from "../../ir/format-adapter";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const formatSchema = z.enum(["openai-chat", "openai-responses", "anthropic", "gemini"]);

export const translateRequestSchema = z
  .object({
    from: formatSchema.describe("Format of `body`"),
    to: formatSchema.describe("Format to translate into"),
    kind: z.enum(["request", "response", "stream"]).describe("A request body, a non-stream response body, or a stream's SSE text"),
    body: z.union([z.record(z.string(), z.unknown()), z.string()]).describe("JSON object (request/response) or SSE text (stream)"),
  })
  .strict();

/** `POST /api/translate`: the translator behind the dashboard playground. */
export function translateRoutes(_runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:translate", detail: { tags: ["Translator"] } }).post(
    "/api/translate",
    async ({ body }) => {
      if (body.kind === "stream" && typeof body.body !== "string") throw new ApiError(400, "For kind 'stream', body must be the SSE text as a string.", "invalid_request");
      if (body.kind !== "stream" && typeof body.body === "string") throw new ApiError(400, `For kind '${body.kind}', body must be a JSON object.`, "invalid_request");
      try {
        return await translateDocument(body.from, body.to, body.kind, body.body);
      } catch (error) {
        if (error instanceof FormatRequestError) throw new ApiError(400, error.param ? `${error.param}: ${error.message}` : error.message, "untranslatable");
        if (error instanceof Error) throw new ApiError(400, `Could not translate: ${error.message}`, "untranslatable");
        throw error;
      }
    },
    {
      body: translateRequestSchema,
      detail: { summary: "Translate a request, response or stream between OpenAI Chat, OpenAI Responses, Anthropic and Gemini" },
    },
  );
}
