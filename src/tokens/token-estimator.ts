/**
 * Local input-token estimate for an IR request, used when the upstream cannot count (Anthropic
 * `count_tokens`, Gemini `:countTokens`) and for usage estimates. Text is counted with o200k_base and scaled
 * per family; framing, tool prompts, images and files are added as family constants (family-profiles.ts).
 * It errs high on purpose: a client that believes its context is smaller than it is compacts too late.
 */
import type { IRFormat, IRImagePart, IRPart, IRRequest, IRSignature } from "../ir/ir-types";
import { REDACTED_THINKING_ITEM } from "../ir/ir-types";
import { CLAUDE_REDACTED_CHARS_PER_TOKEN, familyProfile, type FamilyProfile } from "./family-profiles";
import { fileTokenCost } from "./file-token-cost";
import { base64FromDataUrl, readImageDimensions } from "./image-dimensions";
import { imageTokenCost } from "./image-token-cost";
import { loadO200kCounter, type TextTokenCounter } from "./o200k-counter";
import type { TokenFamily } from "./token-family";

export type { TokenFamily } from "./token-family";

/** Estimated input tokens of `request` as an upstream of `family` would count them. */
export async function estimateInputTokens(request: IRRequest, family: TokenFamily): Promise<number> {
  return estimateWithCounter(request, family, await loadO200kCounter());
}

/** Estimated tokens of plain text (e.g. generated output) in `family`'s tokenizer. */
export async function estimateTextTokens(text: string, family: TokenFamily, model = ""): Promise<number> {
  const countText = await loadO200kCounter();
  return Math.ceil(countText(text) * familyProfile(family, model).textFactor);
}

/** The synchronous core, for callers that already hold a counter. */
export function estimateWithCounter(request: IRRequest, family: TokenFamily, countText: TextTokenCounter): number {
  const tally = new Tally(family, request.model, familyProfile(family, request.model), countText);
  tally.addRequest(request);
  return tally.total();
}

/** Which signature format an upstream of each family re-reads (other formats' signatures are dropped on encode). */
const OWN_SIGNATURE_FORMAT: Record<TokenFamily, IRFormat> = {
  anthropic: "anthropic",
  openai: "openai-responses",
  gemini: "gemini",
};

class Tally {
  /** o200k tokens, scaled by the family's text factor at the end. */
  private text = 0;
  /** Tokens already in the family's units (framing, media). */
  private fixed = 0;
  /**
   * Replayed reasoning per signature value: adapters may split one reasoning item into several thinking parts
   * that share its signature (Responses summary parts), so each signature is billed once, against the
   * visible text of all its parts.
   */
  private readonly reasoning = new Map<string, { signatureTokens: number; textTokens: number }>();

  constructor(
    private readonly family: TokenFamily,
    private readonly model: string,
    private readonly profile: FamilyProfile,
    private readonly countText: TextTokenCounter,
  ) {}

  total(): number {
    let reasoning = 0;
    // The re-expanded reasoning and its visible summary are two views of the same thoughts: the larger counts.
    for (const entry of this.reasoning.values()) {
      reasoning += Math.max(entry.signatureTokens, entry.textTokens * this.profile.textFactor);
    }
    return Math.ceil(this.text * this.profile.textFactor + this.fixed + reasoning + this.profile.requestTokens);
  }

  addRequest(request: IRRequest): void {
    if (request.system.length > 0) {
      this.fixed += this.profile.messageTokens + this.profile.systemTokens;
      for (const part of request.system) this.addPart(part);
    }
    if (request.reasoning?.enabled) this.fixed += this.profile.reasoningPromptTokens;
    for (const message of request.messages) {
      this.fixed += this.profile.messageTokens;
      for (const part of message.content) this.addPart(part);
    }
    if (request.tools.length > 0) {
      this.fixed += this.profile.toolsPromptTokens;
      for (const tool of request.tools) {
        this.fixed += this.profile.toolDefinitionTokens;
        this.addText(tool.name);
        this.addText(tool.description);
        this.text += this.countText(JSON.stringify(tool.parameters ?? {})) * this.profile.toolSchemaWeight;
      }
    }
    const format = request.responseFormat;
    if (format?.type === "json_schema") {
      this.fixed += this.profile.structuredOutputTokens;
      this.addText(format.name);
      this.addText(format.description);
      this.text += this.countText(JSON.stringify(format.schema ?? {})) * this.profile.responseSchemaWeight;
    }
  }

  private addPart(part: IRPart): void {
    switch (part.type) {
      case "text":
        this.addText(part.text);
        this.addSignature(part.signature, "");
        return;
      case "image":
        this.addImage(part);
        return;
      case "file":
        this.fixed += fileTokenCost(part, this.family, this.model, this.countText);
        return;
      case "thinking":
        if (!this.addSignature(part.signature, part.text)) this.addText(part.text);
        return;
      case "tool_call":
        this.fixed += this.profile.toolCallTokens;
        this.addText(part.name);
        this.addText(part.arguments);
        if (this.profile.countToolIds) this.addText(part.id);
        this.addSignature(part.signature, "");
        return;
      case "tool_result":
        this.fixed += this.profile.toolResultTokens;
        this.addText(part.name);
        if (this.profile.countToolIds) this.addText(part.toolCallId);
        if (typeof part.content === "string") this.addText(part.content);
        else for (const inner of part.content) this.addPart(inner);
        return;
    }
  }

  private addText(text: string | undefined): void {
    if (text) this.text += this.countText(text);
  }

  private addImage(part: IRImagePart): void {
    const source = part.source;
    const base64 = source.kind === "base64" ? source.data : base64FromDataUrl(source.url)?.data;
    const size = base64 === undefined ? undefined : readImageDimensions(base64);
    this.fixed += imageTokenCost(this.family, this.model, size, part.detail);
  }

  /**
   * Records replayed reasoning the upstream re-expands, with `text` as its visible part; returns false when the
   * signature is not billed (another format's, which the encoder drops, or a Claude visible-thinking signature).
   */
  private addSignature(signature: IRSignature | undefined, text: string): boolean {
    const perToken = signature ? this.signatureCharsPerToken(signature) : 0;
    if (!signature || perToken === 0) return false;
    const textTokens = text ? this.countText(text) : 0;
    const entry = this.reasoning.get(signature.value);
    if (entry) entry.textTokens += textTokens;
    else {
      this.reasoning.set(signature.value, { signatureTokens: Math.ceil(signature.value.length / perToken), textTokens });
    }
    return true;
  }

  private signatureCharsPerToken(signature: IRSignature): number {
    if (signature.format !== OWN_SIGNATURE_FORMAT[this.family]) return 0;
    if (this.family !== "anthropic") return this.profile.signatureCharsPerToken;
    // A visible Claude thinking block's signature only verifies the text, which is counted as text.
    return signature.itemId === REDACTED_THINKING_ITEM ? CLAUDE_REDACTED_CHARS_PER_TOKEN : 0;
  }
}
