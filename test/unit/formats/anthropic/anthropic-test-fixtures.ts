/** Loading the recorded Anthropic fixtures and replaying streams for the adapter tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StreamDecoder } from "../../../../src/ir/format-adapter";
import type { IRResponse, IRStreamEvent } from "../../../../src/ir/ir-types";
import { StreamCollector } from "../../../../src/ir/stream-collector";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

export const ANTHROPIC_DIR = join(FIXTURES, "anthropic");

export function anthropicFiles(suffix: string): string[] {
  return readdirSync(ANTHROPIC_DIR)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

export function readAnthropicText(name: string): string {
  return readFileSync(join(ANTHROPIC_DIR, name), "utf8");
}

export function readAnthropicJson(name: string): Record<string, unknown> {
  return JSON.parse(readAnthropicText(name)) as Record<string, unknown>;
}

/** Every recorded client request sent to an Anthropic endpoint (Claude Code, opencode, the Anthropic SDK). */
export function anthropicClientRequests(): Array<{ name: string; path: string; body: Record<string, unknown> }> {
  const out: Array<{ name: string; path: string; body: Record<string, unknown> }> = [];
  for (const client of ["claude-code", "opencode", "sdk-anthropic"]) {
    const clientDir = join(FIXTURES, "clients", client);
    for (const version of readdirSync(clientDir)) {
      const dir = join(clientDir, version);
      for (const name of readdirSync(dir).sort()) {
        if (!name.endsWith(".json") || name.endsWith("-index.json")) continue;
        const recorded = JSON.parse(readFileSync(join(dir, name), "utf8")) as { path: string; body: Record<string, unknown> };
        if (recorded.path.startsWith("/v1/messages")) out.push({ name: `${client}/${version}/${name}`, path: recorded.path, body: recorded.body });
      }
    }
  }
  return out;
}

/** A `.chunks.jsonl` recording (data payloads only) as the SSE body Anthropic sends. */
export function chunksToSse(jsonl: string): string {
  let out = "";
  for (const line of jsonl.split("\n")) {
    if (line.trim() === "") continue;
    const type = (JSON.parse(line) as { type: string }).type;
    out += `event: ${type}\ndata: ${line}\n\n`;
  }
  return out;
}

/** The SSE body of a stream fixture, whichever way it was recorded. */
export function streamFixture(name: string): string {
  const text = readAnthropicText(name);
  return name.endsWith(".chunks.jsonl") ? chunksToSse(text) : text;
}

/** Small seeded PRNG so random splits are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Feeds `body` to a decoder as the network would: UTF-8 bytes cut at random offsets (inside multi-byte
 * characters too), each piece decoded with a streaming TextDecoder. `seed` null feeds it in one piece.
 */
export function decodeStream(decoder: StreamDecoder, body: string, seed: number | null): IRStreamEvent[] {
  const events: IRStreamEvent[] = [];
  const emit = (event: IRStreamEvent) => events.push(event);
  if (seed === null) {
    decoder.push(body, emit);
  } else {
    const bytes = new TextEncoder().encode(body);
    const random = seededRandom(seed);
    const text = new TextDecoder();
    let at = 0;
    while (at < bytes.length) {
      const size = 1 + Math.floor(random() * 40);
      decoder.push(text.decode(bytes.subarray(at, at + size), { stream: true }), emit);
      at += size;
    }
    const rest = text.decode();
    if (rest) decoder.push(rest, emit);
  }
  decoder.end(emit);
  return events;
}

/** `created` is the local clock at decode time; tests compare everything else. */
export function withoutCreated(events: IRStreamEvent[]): IRStreamEvent[] {
  return events.map((event) => (event.type === "start" ? { ...event, created: 0 } : event));
}

export function collect(events: IRStreamEvent[]): IRResponse {
  const collector = new StreamCollector();
  for (const event of events) collector.push(event);
  return { ...collector.toResponse(), created: 0 };
}

/** Checks the IR stream grammar: start → (block_start → deltas → block_stop)* → usage* → finish → end. */
export function assertWellFormed(events: IRStreamEvent[]): void {
  const fail = (message: string) => {
    throw new Error(`${message}\n${events.map((e) => e.type).join(" ")}`);
  };
  if (events[events.length - 1]?.type !== "end") fail("the stream must end with `end`");
  if (events.filter((e) => e.type === "end").length !== 1) fail("exactly one `end`");
  const first = events[0]?.type;
  if (first !== "start" && first !== "error") fail("the stream must open with `start` (or `error`)");
  let open: number | null = null;
  let nextIndex = 0;
  let finished = false;
  for (const event of events) {
    switch (event.type) {
      case "block_start":
        if (open !== null) fail("blocks must not interleave");
        if (event.index !== nextIndex) fail(`block index ${event.index} should be ${nextIndex}`);
        if (finished) fail("no block after finish");
        open = event.index;
        nextIndex++;
        break;
      case "text_delta":
      case "thinking_delta":
      case "tool_args_delta":
      case "signature":
        if (open !== event.index) fail(`${event.type} for a block that is not open`);
        break;
      case "block_stop":
        if (open !== event.index) fail("block_stop for a block that is not open");
        open = null;
        break;
      case "finish":
        if (open !== null) fail("finish with a block still open");
        finished = true;
        break;
    }
  }
}
