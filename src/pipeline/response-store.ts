import type { IRMessage, IRResponse } from "../ir/ir-types";

interface StoredResponse {
  /** The conversation up to and including this response's output, ready to prefix the next turn. */
  messages: IRMessage[];
  expiresAt: number;
  /** The client key that made it: another key cannot continue (and so read) this conversation. */
  apiKeyId: string | null;
}

/**
 * Responses the gateway produced for OpenAI Responses clients, so `previous_response_id` works whatever
 * upstream served the turn. In memory, bounded in count and age: a gateway restart forgets them, and the client
 * gets a clear "not found" error (Codex and opencode send the full history with store:false and never rely on it).
 */
export class ResponseStore {
  #entries = new Map<string, StoredResponse>();

  constructor(
    private readonly maxEntries = 2_000,
    private readonly ttlMs = 6 * 60 * 60 * 1000,
  ) {}

  get retentionHours(): number {
    return this.ttlMs / 3_600_000;
  }

  /** The full history a follow-up to `id` by this client key continues from, or null when unknown, expired or another key's. */
  history(id: string, apiKeyId: string | null, now = Date.now()): IRMessage[] | null {
    const entry = this.#entries.get(id);
    if (!entry || entry.apiKeyId !== apiKeyId) return null;
    if (entry.expiresAt < now) {
      this.#entries.delete(id);
      return null;
    }
    return entry.messages;
  }

  save(id: string, apiKeyId: string | null, requestMessages: IRMessage[], response: IRResponse, now = Date.now()): void {
    const output: IRMessage = { role: "assistant", content: response.content };
    this.#entries.delete(id);
    this.#entries.set(id, { messages: response.content.length > 0 ? [...requestMessages, output] : requestMessages, expiresAt: now + this.ttlMs, apiKeyId });
    while (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
