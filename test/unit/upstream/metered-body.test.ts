import { describe, expect, test } from "bun:test";
import { meterBody, type MeteredBodyHooks } from "../../../src/upstream/metered-body";
import { UpstreamDeadline, UpstreamTimeoutError } from "../../../src/upstream/upstream-deadline";

type EndOutcome = Parameters<MeteredBodyHooks["onEnd"]>[0];

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string) => encoder.encode(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ERROR_FRAME = bytes('data: {"error":{"message":"upstream timed out"}}\n\n');

/** A stream the test feeds by hand; like a fetch body, it errors when the deadline's signal aborts (if wired). */
function controlledUpstream(deadline?: UpstreamDeadline) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false, cancelReason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel(reason) {
      state.cancelled = true;
      state.cancelReason = reason;
    },
  });
  deadline?.signal.addEventListener("abort", () => controller.error(deadline.signal.reason));
  return { stream, controller, state };
}

function recorder() {
  const ends: EndOutcome[] = [];
  const frames: unknown[] = [];
  let firstBytes = 0;
  const hooks: MeteredBodyHooks = {
    onFirstByte: () => {
      firstBytes++;
    },
    onEnd: (outcome) => {
      ends.push(outcome);
    },
    errorFrame: (error) => {
      frames.push(error);
      return ERROR_FRAME;
    },
  };
  return { hooks, ends, frames, firstBytes: () => firstBytes };
}

async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of body) out.push(chunk);
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

const limits = (overrides: Partial<{ connectMs: number; firstByteMs: number; idleMs: number }> = {}) => ({
  connectMs: 1000,
  firstByteMs: 1000,
  idleMs: 1000,
  ...overrides,
});

describe("meterBody", () => {
  test("forwards chunks unchanged and reports completion once with the tail", async () => {
    const deadline = new UpstreamDeadline(limits());
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const body = meterBody(up.stream, deadline, rec.hooks);
    const sent = [bytes("data: a\n\n"), bytes("data: b\n\n"), bytes("data: [DONE]\n\n")];
    for (const chunk of sent) up.controller.enqueue(chunk);
    up.controller.close();
    const received = await readAll(body);
    // Bytes are identical; a direct stream may coalesce chunk boundaries, which carry no meaning on the wire.
    expect(concat(received)).toEqual(concat(sent));
    expect(rec.ends).toHaveLength(1);
    expect(rec.ends[0]!.kind).toBe("complete");
    expect(rec.ends[0]!.tail).toEqual(sent);
    expect(rec.firstBytes()).toBe(1);
    expect(rec.frames).toEqual([]);
    expect(deadline.phase).toBe("done");
    await sleep(20);
    expect(deadline.signal.aborted).toBe(false);
  });

  test("a first-byte timeout ends the body with an error frame carrying the first-byte error", async () => {
    const deadline = new UpstreamDeadline(limits({ firstByteMs: 60 }));
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const received = await readAll(meterBody(up.stream, deadline, rec.hooks));
    expect(received.map((c) => decoder.decode(c))).toEqual([decoder.decode(ERROR_FRAME)]);
    expect(rec.ends).toHaveLength(1);
    expect(rec.ends[0]!.kind).toBe("error");
    const error = rec.ends[0]!.error as UpstreamTimeoutError;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error.phase).toBe("first-byte");
    expect(rec.frames).toEqual([error]);
    expect(rec.firstBytes()).toBe(0);
  });

  test("an idle timeout mid-stream sends the error frame after the data already sent, then closes", async () => {
    const deadline = new UpstreamDeadline(limits({ idleMs: 80 }));
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const reader = meterBody(up.stream, deadline, rec.hooks).getReader();
    up.controller.enqueue(bytes("data: partial\n\n"));
    expect(decoder.decode((await reader.read()).value)).toBe("data: partial\n\n");
    const silentSince = performance.now();
    const next = await reader.read();
    const waited = performance.now() - silentSince;
    expect(decoder.decode(next.value)).toBe(decoder.decode(ERROR_FRAME));
    expect((await reader.read()).done).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(60);
    expect(waited).toBeLessThan(500);
    expect(rec.ends.map((e) => e.kind)).toEqual(["error"]);
    const error = rec.ends[0]!.error as UpstreamTimeoutError;
    expect(error.phase).toBe("idle");
    expect(error.limitMs).toBe(80);
    expect(decoder.decode(concat(rec.ends[0]!.tail))).toBe("data: partial\n\n");
  });

  test("an error frame of null sends nothing more before closing", async () => {
    const deadline = new UpstreamDeadline(limits({ idleMs: 50 }));
    const up = controlledUpstream(deadline);
    const ends: EndOutcome[] = [];
    const body = meterBody(up.stream, deadline, { onEnd: (o) => ends.push(o), errorFrame: () => null });
    up.controller.enqueue(bytes("x"));
    const received = await readAll(body);
    expect(received.map((c) => decoder.decode(c))).toEqual(["x"]);
    expect(ends.map((e) => e.kind)).toEqual(["error"]);
  });

  test("regular activity keeps the stream alive past several idle limits", async () => {
    const deadline = new UpstreamDeadline(limits({ firstByteMs: 200, idleMs: 150 }));
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const body = meterBody(up.stream, deadline, rec.hooks);
    const producing = (async () => {
      for (let i = 0; i < 10; i++) {
        await sleep(30);
        up.controller.enqueue(bytes(`data: ${i}\n\n`));
      }
      up.controller.close();
    })();
    const started = performance.now();
    const received = await readAll(body);
    await producing;
    expect(performance.now() - started).toBeGreaterThan(250);
    expect(received).toHaveLength(10);
    expect(decoder.decode(received[9])).toBe("data: 9\n\n");
    expect(rec.ends.map((e) => e.kind)).toEqual(["complete"]);
    expect(deadline.signal.aborted).toBe(false);
  });

  test("a client cancel reports cancelled once, aborts the deadline and cancels the upstream", async () => {
    const deadline = new UpstreamDeadline(limits());
    const up = controlledUpstream();
    const rec = recorder();
    const reader = meterBody(up.stream, deadline, rec.hooks).getReader();
    up.controller.enqueue(bytes("data: first\n\n"));
    await reader.read();
    await reader.cancel("client went away");
    expect(rec.ends).toHaveLength(1);
    expect(rec.ends[0]!.kind).toBe("cancelled");
    expect(rec.ends[0]!.error).toBe("client went away");
    expect(up.state.cancelled).toBe(true);
    expect(up.state.cancelReason).toBe("client went away");
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe("client went away");
    expect(rec.frames).toEqual([]);
  });

  test("a cancel after completion does not report a second end", async () => {
    const deadline = new UpstreamDeadline(limits());
    const up = controlledUpstream();
    const rec = recorder();
    const reader = meterBody(up.stream, deadline, rec.hooks).getReader();
    up.controller.enqueue(bytes("a"));
    up.controller.close();
    await reader.read();
    expect((await reader.read()).done).toBe(true);
    await reader.cancel("late");
    expect(rec.ends.map((e) => e.kind)).toEqual(["complete"]);
  });

  test("an upstream failure that is not a timeout is reported with its own error", async () => {
    const deadline = new UpstreamDeadline(limits());
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const reader = meterBody(up.stream, deadline, rec.hooks).getReader();
    up.controller.enqueue(bytes("a"));
    await reader.read();
    const failure = new Error("socket hang up");
    up.controller.error(failure);
    expect(decoder.decode((await reader.read()).value)).toBe(decoder.decode(ERROR_FRAME));
    expect((await reader.read()).done).toBe(true);
    expect(rec.ends).toHaveLength(1);
    expect(rec.ends[0]!.error).toBe(failure);
    expect(rec.frames).toEqual([failure]);
  });

  test("the tail keeps at least the last tailBytes bytes, as the original chunks, and not much more", async () => {
    const deadline = new UpstreamDeadline(limits());
    const up = controlledUpstream(deadline);
    const rec = recorder();
    const sizes = [30, 50, 40, 70, 10, 25, 5, 64];
    const sent = sizes.map((size, i) => new Uint8Array(size).fill(i + 1));
    for (const chunk of sent) up.controller.enqueue(chunk);
    up.controller.close();
    await readAll(meterBody(up.stream, deadline, rec.hooks, 100));
    const tail = rec.ends[0]!.tail;
    const tailSize = tail.reduce((n, c) => n + c.byteLength, 0);
    const all = concat(sent);
    expect(tailSize).toBeGreaterThanOrEqual(100);
    expect(tailSize - tail[0]!.byteLength).toBeLessThan(100);
    expect(concat(tail)).toEqual(all.subarray(all.byteLength - tailSize));
    for (const chunk of tail) expect(sent.includes(chunk as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(tail[tail.length - 1]).toBe(sent[sent.length - 1]!);
  });

  test("a body shorter than tailBytes is kept whole; one oversized chunk is kept on its own", async () => {
    const short = [bytes("abc"), bytes("def")];
    const deadlineA = new UpstreamDeadline(limits());
    const upA = controlledUpstream(deadlineA);
    const recA = recorder();
    for (const chunk of short) upA.controller.enqueue(chunk);
    upA.controller.close();
    await readAll(meterBody(upA.stream, deadlineA, recA.hooks, 100));
    expect(recA.ends[0]!.tail).toEqual(short);

    const big = [bytes("head"), new Uint8Array(500).fill(7)];
    const deadlineB = new UpstreamDeadline(limits());
    const upB = controlledUpstream(deadlineB);
    const recB = recorder();
    for (const chunk of big) upB.controller.enqueue(chunk);
    upB.controller.close();
    await readAll(meterBody(upB.stream, deadlineB, recB.hooks, 100));
    expect(recB.ends[0]!.tail).toEqual([big[1]!]);
  });

  test("does not read far ahead of a slow HTTP client (backpressure through the socket)", async () => {
    let pulled = 0;
    const piece = new Uint8Array(64 * 1024).fill(97);
    const upstream = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              if (pulled >= 256 * 1024 * 1024) return controller.close();
              pulled += piece.byteLength;
              controller.enqueue(piece);
            },
          }),
        ),
    });
    const ended: string[] = [];
    const gateway = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch() {
        const deadline = new UpstreamDeadline(limits({ idleMs: 60_000 }));
        const response = await fetch(`http://127.0.0.1:${upstream.port}/`, { signal: deadline.signal });
        return new Response(meterBody(response.body!, deadline, { onEnd: (o) => ended.push(o.kind) }));
      },
    });
    try {
      // A client that reads 64 KB and then stops reading: only socket buffers may fill.
      const response = await fetch(`http://127.0.0.1:${gateway.port}/`);
      const reader = response.body!.getReader();
      await reader.read();
      await sleep(500);
      expect(pulled).toBeLessThan(64 * 1024 * 1024);
      await reader.cancel();
      const deadlineAt = performance.now() + 3000;
      while (ended.length === 0 && performance.now() < deadlineAt) await sleep(20);
      expect(ended).toEqual(["cancelled"]);
    } finally {
      gateway.stop(true);
      upstream.stop(true);
    }
  });
});
