import { describe, expect, test } from "bun:test";
import { IpRateLimiter } from "../../../src/security/ip-rate-limiter";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("IpRateLimiter", () => {
  test("lets `requests` through per window, then answers the seconds left", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 3, windowSeconds: 60, now: time.now });
    expect([limiter.hit("1.2.3.4"), limiter.hit("1.2.3.4"), limiter.hit("1.2.3.4")]).toEqual([0, 0, 0]);
    expect(limiter.hit("1.2.3.4")).toBe(60);
    time.advance(20_500);
    // 39.5 s left: rounded up.
    expect(limiter.hit("1.2.3.4")).toBe(40);
    time.advance(39_000);
    expect(limiter.hit("1.2.3.4")).toBe(1);
    time.advance(500);
    // The window has ended: a new one opens with this request.
    expect(limiter.hit("1.2.3.4")).toBe(0);
    expect(limiter.hit("1.2.3.4")).toBe(0);
    expect(limiter.hit("1.2.3.4")).toBe(0);
    expect(limiter.hit("1.2.3.4")).toBe(60);
  });

  test("addresses are counted apart", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 1, windowSeconds: 10, now: time.now });
    expect(limiter.hit("1.2.3.4")).toBe(0);
    expect(limiter.hit("::1")).toBe(0);
    expect(limiter.hit("1.2.3.4")).toBe(10);
    expect(limiter.hit("::1")).toBe(10);
    expect(limiter.hit("5.6.7.8")).toBe(0);
  });

  test("refused requests do not extend the wait", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 1, windowSeconds: 5, now: time.now });
    limiter.hit("a");
    for (let i = 0; i < 100; i++) limiter.hit("a");
    time.advance(5_000);
    expect(limiter.hit("a")).toBe(0);
  });

  test("stale windows are dropped as time passes", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 5, windowSeconds: 1, now: time.now });
    for (let i = 0; i < 1000; i++) limiter.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(1000);
    time.advance(500);
    limiter.hit("10.9.9.9");
    expect(limiter.size).toBe(1001);
    time.advance(600);
    // The first thousand windows have ended; the one opened at +500 ms has not.
    limiter.hit("10.8.8.8");
    expect(limiter.size).toBe(2);
  });

  test("the map is capped: a flood of distinct addresses forgets the oldest windows first", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 1, windowSeconds: 3600, maxAddresses: 100, now: time.now });
    limiter.hit("first");
    time.advance(1);
    for (let i = 0; i < 500; i++) {
      limiter.hit(`flood-${i}`);
      time.advance(1);
    }
    expect(limiter.size).toBe(100);
    // "first" was evicted (oldest window), so it starts afresh; the newest flood address is still counted.
    expect(limiter.hit("flood-499")).toBeGreaterThan(0);
    expect(limiter.hit("first")).toBe(0);
    expect(limiter.size).toBe(100);
  });

  test("a renewed window moves to the back, so it outlives older windows under eviction", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 1, windowSeconds: 10, maxAddresses: 2, now: time.now });
    limiter.hit("a");
    time.advance(5_000);
    limiter.hit("b");
    time.advance(5_000);
    // a's window ended and is renewed at the back; b's is older now, so adding c evicts b.
    expect(limiter.hit("a")).toBe(0);
    expect(limiter.hit("c")).toBe(0);
    expect(limiter.size).toBe(2);
    expect(limiter.hit("a")).toBeGreaterThan(0);
    expect(limiter.hit("c")).toBeGreaterThan(0);
    expect(limiter.hit("b")).toBe(0);
  });

  test("clear forgets everything", () => {
    const time = clock();
    const limiter = new IpRateLimiter({ requests: 1, windowSeconds: 10, now: time.now });
    limiter.hit("a");
    limiter.clear();
    expect(limiter.size).toBe(0);
    expect(limiter.hit("a")).toBe(0);
  });
});
