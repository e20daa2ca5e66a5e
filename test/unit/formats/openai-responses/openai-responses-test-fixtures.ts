import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StreamDecoder } from "../../../../src/ir/format-adapter";
import type { IRStreamEvent } from "../../../../src/ir/ir-types";
import { StreamCollector } from "../../../../src/ir/stream-collector";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

export const RESPONSES_DIR = join(FIXTURES, "openai-responses");

export function fixtureText(relative: string): string {
  return readFileSync(join(FIXTURES, relative), "utf8");
}

export function fixtureJson<T = Record<string, unknown>>(relative: string): T {
  return JSON.parse(fixtureText(relative)) as T;
}

export function responsesFixtures(suffix: string): string[] {
  return readdirSync(RESPONSES_DIR)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/** Recorded client requests that hit `/v1/responses` (Codex, opencode's openai provider, the openai SDK). */
export function clientResponsesRequests(): Array<{ name: string; body: Record<string, unknown> }> {
  const out: Array<{ name: string; body: Record<string, unknown> }> = [];
  for (const client of ["codex", "opencode", "sdk-openai"]) {
    const clientDir = join(FIXTURES, "clients", client);
    for (const version of readdirSync(clientDir)) {
      for (const file of readdirSync(join(clientDir, version)).sort()) {
        if (!file.includes("-POST-v1_responses")) continue;
        const recorded = fixtureJson<{ body: Record<string, unknown> }>(join("clients", client, version, file));
        out.push({ name: `${client}/${file}`, body: recorded.body });
      }
    }
  }
  return out;
}

/** A `.chunks.jsonl` recording (data payloads only) turned back into Responses SSE framing. */
export function chunksToSse(jsonl: string): string {
  let out = "";
  for (const line of jsonl.split("\n")) {
    if (line.trim() === "") continue;
    const type = (JSON.parse(line) as { type: string }).type;
    out += `event: ${type}\ndata: ${line}\n\n`;
  }
  return out;
}

/** Deterministic PRNG so a failing split can be reproduced from its seed. */
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

/** Feeds `text` to the decoder in pieces cut at random places (pieces between 1 and maxPiece chars). */
export function decodeInPieces(decoder: StreamDecoder, text: string, seed: number | null, maxPiece = 97): IRStreamEvent[] {
  const events: IRStreamEvent[] = [];
  const emit = (event: IRStreamEvent) => events.push(event);
  if (seed === null) {
    decoder.push(text, emit);
  } else {
    const random = seededRandom(seed);
    let at = 0;
    while (at < text.length) {
      const size = 1 + Math.floor(random() * maxPiece);
      decoder.push(text.slice(at, at + size), emit);
      at += size;
    }
  }
  decoder.end(emit);
  return events;
}

export function collect(events: IRStreamEvent[]): StreamCollector {
  const collector = new StreamCollector();
  for (const event of events) collector.push(event);
  return collector;
}

/** Parses Responses SSE text into `{event, data}` frames. */
export function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  const frames: Array<{ event: string; data: Record<string, unknown> }> = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    const lines = block.split("\n");
    const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "";
    const data = lines
      .filter((line) => line.startsWith("data: "))
      .map((line) => line.slice(6))
      .join("\n");
    frames.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
  return frames;
}
