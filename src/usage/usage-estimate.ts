import { WIRE_FORMATS } from "../formats/wire-formats";
import type { IRFormat, IRResponse } from "../ir/ir-types";
import { approximateTokenCount, loadO200kCounter, type TextTokenCounter } from "../tokens/o200k-counter";
import { estimateWithCounter, type TokenFamily } from "../tokens/token-estimator";
import { familyProfile } from "../tokens/family-profiles";

const FAMILY: Record<IRFormat, TokenFamily> = { anthropic: "anthropic", gemini: "gemini", "openai-chat": "openai", "openai-responses": "openai" };

/** What the gateway knows of a request whose upstream reported no usage. */
export interface EstimateInput {
  clientFormat: IRFormat;
  clientBody: Record<string, unknown>;
  /** The upstream's format (its tokenizer family) and model. */
  upstreamFormat: IRFormat;
  upstreamModel: string;
  /** The complete answer in the client's format when the gateway held it whole (non-stream); null otherwise. */
  answerBody: Uint8Array | null;
}

export interface EstimatedUsage {
  inputTokens: number;
  /** Null when the answer was streamed through untouched and only its ends were kept. */
  outputTokens: number | null;
}

let counter: TextTokenCounter | null = null;
let loading = false;

/** The o200k counter once loaded; until then a generous character estimate, while it loads in the background. */
function currentCounter(): TextTokenCounter {
  if (counter) return counter;
  if (!loading) {
    loading = true;
    void loadO200kCounter().then((loaded) => {
      counter = loaded;
    });
  }
  return approximateTokenCount;
}

const decoder = new TextDecoder();

/**
 * Tokens of a request (and of its answer, when it was held whole) for an upstream that reported none, with the
 * same local tokenizer as count_tokens. Runs in the request-log writer's batch, never on the request path.
 */
export function estimateUsage(input: EstimateInput): EstimatedUsage | null {
  const countText = currentCounter();
  const family = FAMILY[input.upstreamFormat];
  const adapter = WIRE_FORMATS[input.clientFormat].adapter;
  let inputTokens: number;
  try {
    const request = adapter.decodeRequest(input.clientBody);
    request.model = input.upstreamModel;
    inputTokens = estimateWithCounter(request, family, countText);
  } catch {
    return null;
  }
  let outputTokens: number | null = null;
  if (input.answerBody) {
    try {
      const answer: IRResponse = adapter.decodeResponse(JSON.parse(decoder.decode(input.answerBody)));
      const text = answer.content.map((part) => (part.type === "text" || part.type === "thinking" ? part.text : part.type === "tool_call" ? `${part.name}${part.arguments}` : "")).join("");
      outputTokens = Math.ceil(countText(text) * familyProfile(family, input.upstreamModel).textFactor);
    } catch {
      outputTokens = null;
    }
  }
  return { inputTokens, outputTokens };
}
