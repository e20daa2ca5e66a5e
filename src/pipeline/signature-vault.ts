import type { IRRequest, IRResponse, IRSignature, IRThinkingPart } from "../ir/ir-types";

interface VaultEntry {
  /** Thinking that preceded the call in the same answer (Anthropic needs it replayed before the tool_use). */
  thinking: IRThinkingPart[];
  /** The call's own signature (Gemini `thoughtSignature` on the functionCall part). */
  signature?: IRSignature;
  expiresAt: number;
}

/**
 * Keeps reasoning signatures for clients whose format has nowhere to put them (OpenAI Chat), keyed by the tool
 * call they belong to: when the client sends the call back in its history, the signatures are put back in place
 * so the upstream accepts the replay. Only calls matter — Anthropic and Gemini demand signatures for tool-use
 * turns, not for plain text. Bounded in size and age; lost on restart (the upstream then sees an unsigned
 * history, which encoders already handle by dropping thinking / using Gemini's documented bypass value).
 */
export class SignatureVault {
  #entries = new Map<string, VaultEntry>();

  constructor(
    private readonly maxEntries = 20_000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  /** Remembers the signed thinking and call signatures of an answer. */
  remember(response: IRResponse, now = Date.now()): void {
    let thinking: IRThinkingPart[] = [];
    for (const part of response.content) {
      if (part.type === "thinking") {
        if (part.signature) thinking.push(part);
      } else if (part.type === "tool_call") {
        if (thinking.length > 0 || part.signature) {
          this.#set(part.id, { thinking, ...(part.signature ? { signature: part.signature } : {}), expiresAt: now + this.ttlMs });
        }
        // Only the first call of a turn carries the turn's thinking.
        thinking = [];
      }
    }
  }

  /** Puts remembered signatures back into a client's history. */
  restore(request: IRRequest, now = Date.now()): void {
    if (this.#entries.size === 0) return;
    for (const message of request.messages) {
      if (message.role !== "assistant") continue;
      let thinking: IRThinkingPart[] | null = null;
      for (const part of message.content) {
        if (part.type !== "tool_call") continue;
        const entry = this.#entries.get(part.id);
        if (!entry || entry.expiresAt < now) continue;
        if (entry.signature && !part.signature) part.signature = entry.signature;
        if (!thinking && entry.thinking.length > 0) thinking = entry.thinking;
      }
      if (thinking && !message.content.some((p) => p.type === "thinking" && p.signature)) {
        // The signed original replaces whatever unsigned thinking the client echoed (e.g. reasoning_content).
        message.content = [...thinking, ...message.content.filter((p) => p.type !== "thinking")];
      }
    }
  }

  #set(id: string, entry: VaultEntry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    // Maps iterate in insertion order: the first keys are the oldest.
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
