import { describe, expect, test } from "bun:test";
import { UpstreamDeadline, UpstreamTimeoutError } from "../../../src/upstream/upstream-deadline";

function aborted(deadline: UpstreamDeadline, giveUpMs = 1000): Promise<{ reason: unknown; afterMs: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`deadline did not abort within ${giveUpMs} ms`)), giveUpMs);
    deadline.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve({ reason: deadline.signal.reason, afterMs: performance.now() - start });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("UpstreamDeadline", () => {
  test("aborts with a first-byte UpstreamTimeoutError when nothing arrives", async () => {
    const deadline = new UpstreamDeadline({ connectMs: 1000, firstByteMs: 60, idleMs: 1000 });
    const { reason, afterMs } = await aborted(deadline);
    expect(reason).toBeInstanceOf(UpstreamTimeoutError);
    expect((reason as UpstreamTimeoutError).phase).toBe("first-byte");
    expect((reason as UpstreamTimeoutError).limitMs).toBe(60);
    expect((reason as Error).message).toBe("sent no response within 60 ms");
    expect(afterMs).toBeGreaterThanOrEqual(50);
    expect(afterMs).toBeLessThan(400);
    expect(deadline.phase).toBe("done");
  });

  test("after the first byte only silence counts, measured from the last activity", async () => {
    const deadline = new UpstreamDeadline({ connectMs: 1000, firstByteMs: 150, idleMs: 150 });
    await sleep(30);
    deadline.firstByte();
    expect(deadline.phase).toBe("idle");
    for (let i = 0; i < 5; i++) {
      await sleep(50);
      deadline.activity();
    }
    expect(deadline.signal.aborted).toBe(false);
    const { reason, afterMs } = await aborted(deadline);
    expect((reason as UpstreamTimeoutError).phase).toBe("idle");
    expect((reason as Error).message).toBe("went silent for 150 ms mid-response");
    expect(afterMs).toBeGreaterThanOrEqual(130);
  });

  test("the idle limit applies from the first byte even when the first-byte limit is longer", async () => {
    const deadline = new UpstreamDeadline({ connectMs: 1000, firstByteMs: 600, idleMs: 60 });
    deadline.firstByte();
    const { reason, afterMs } = await aborted(deadline);
    expect((reason as UpstreamTimeoutError).phase).toBe("idle");
    expect(afterMs).toBeLessThan(300);
  });

  test("finish stops the timer for good", async () => {
    const deadline = new UpstreamDeadline({ connectMs: 1000, firstByteMs: 40, idleMs: 40 });
    deadline.finish();
    await sleep(120);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.phase).toBe("done");
  });

  test("failConnect aborts with a connect UpstreamTimeoutError carrying the connect limit", () => {
    const deadline = new UpstreamDeadline({ connectMs: 250, firstByteMs: 1000, idleMs: 1000 });
    deadline.failConnect();
    const reason = deadline.signal.reason as UpstreamTimeoutError;
    expect(reason).toBeInstanceOf(UpstreamTimeoutError);
    expect(reason.phase).toBe("connect");
    expect(reason.limitMs).toBe(250);
    expect(reason.message).toBe("could not connect within 250 ms");
    expect(reason.name).toBe("UpstreamTimeoutError");
  });

  test("abort keeps the first reason", () => {
    const deadline = new UpstreamDeadline({ connectMs: 1000, firstByteMs: 1000, idleMs: 1000 });
    deadline.abort("client left");
    deadline.abort("second reason");
    deadline.failConnect();
    expect(deadline.signal.reason).toBe("client left");
    expect(deadline.phase).toBe("done");
  });
});
