import { describe, expect, test } from "bun:test";
import { CircuitBreaker, type CircuitBreakerOptions, DEFAULT_BREAKER_OPTIONS } from "../../../src/routing/circuit-breaker";

const START = 1_000_000;

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  let now = START;
  const breaker = new CircuitBreaker(options, () => now);
  return {
    breaker,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    fail: (times: number, source?: string) => {
      for (let i = 0; i < times; i++) breaker.recordFailure(source);
    },
  };
}

describe("CircuitBreaker defaults", () => {
  test("documented defaults", () => {
    expect(DEFAULT_BREAKER_OPTIONS).toMatchObject({ failureThreshold: 5, cooldownMs: 30_000, maxCooldownMs: 600_000, window: null, minSources: 1 });
  });

  test("a fresh breaker is closed and lets everything through", () => {
    const { breaker } = setup();
    expect(breaker.state).toBe("closed");
    for (let i = 0; i < 50; i++) expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.stats()).toEqual({
      state: "closed",
      failures: 0,
      successes: 0,
      opens: 0,
      consecutiveFailures: 0,
      lastChange: null,
      openUntil: null,
      cooldownMs: 30_000,
      probeInFlight: false,
    });
  });
});

describe("closed → open", () => {
  test("opens on the 5th consecutive failure, not the 4th", () => {
    const { breaker, fail, now } = setup();
    fail(4);
    expect(breaker.state).toBe("closed");
    fail(1);
    expect(breaker.state).toBe("open");
    expect(breaker.openUntil()).toBe(now() + 30_000);
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.stats()).toMatchObject({ opens: 1, failures: 5, lastChange: START });
  });

  test("a success resets the consecutive count", () => {
    const { breaker, fail } = setup();
    fail(4);
    breaker.recordSuccess();
    fail(4);
    expect(breaker.state).toBe("closed");
    expect(breaker.stats()).toMatchObject({ consecutiveFailures: 4, failures: 8, successes: 1 });
  });

  const thresholds = [1, 3, 10];
  for (const failureThreshold of thresholds) {
    test(`failureThreshold ${failureThreshold}`, () => {
      const { breaker, fail } = setup({ failureThreshold });
      fail(failureThreshold - 1);
      expect(breaker.state).toBe("closed");
      fail(1);
      expect(breaker.state).toBe("open");
    });
  }
});

describe("open → half-open → closed / open", () => {
  test("stays open for the cool-down, then half-open (changed at the cool-down's end)", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    advance(29_999);
    expect(breaker.state).toBe("open");
    advance(5_000);
    expect(breaker.state).toBe("half-open");
    expect(breaker.stats().lastChange).toBe(START + 30_000);
    expect(breaker.openUntil()).toBeNull();
  });

  test("half-open allows exactly one probe, however many ask", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    advance(30_000);
    expect(breaker.canRequest()).toBe(true);
    const answers = Array.from({ length: 100 }, () => breaker.tryAcquire());
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(answers[0]).toBe(true);
    expect(breaker.canRequest()).toBe(false);
    expect(breaker.stats().probeInFlight).toBe(true);
  });

  test("the probe's success closes it and resets the cool-down", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    advance(30_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.stats()).toMatchObject({ cooldownMs: 30_000, consecutiveFailures: 0, probeInFlight: false });
    for (let i = 0; i < 10; i++) expect(breaker.tryAcquire()).toBe(true);
  });

  test("the probe's failure re-opens it with a doubled cool-down, then a new single probe", () => {
    const { breaker, fail, advance, now } = setup();
    fail(5);
    advance(30_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.openUntil()).toBe(now() + 60_000);
    advance(59_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, false, false]);
  });

  test("re-open doubling: 30 s, 60 s, 120 s … capped at 10 min; back to 30 s after closing", () => {
    const { breaker, fail, advance, now } = setup();
    fail(5);
    const periods: number[] = [breaker.openUntil()! - now()];
    for (let i = 0; i < 7; i++) {
      advance(periods.at(-1)!);
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
      periods.push(breaker.openUntil()! - now());
    }
    expect(periods).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
    expect(breaker.stats().opens).toBe(8);
    advance(600_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    fail(5);
    expect(breaker.openUntil()! - now()).toBe(30_000);
  });

  test("a released probe (no verdict) lets the next one go; a stale permit frees nothing", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    advance(30_000);
    const first = breaker.acquire();
    expect(first).toMatchObject({ probe: true });
    expect(breaker.acquire()).toBeNull();
    breaker.release(first!);
    expect(breaker.state).toBe("half-open");
    const second = breaker.acquire();
    expect(second).not.toBeNull();
    breaker.release(first!); // the first probe's holder ending late must not free the second's slot
    expect(breaker.acquire()).toBeNull();
  });

  test("releasing a closed-state permit is harmless", () => {
    const { breaker } = setup();
    const permit = breaker.acquire()!;
    expect(permit.probe).toBe(false);
    breaker.release(permit);
    expect(breaker.state).toBe("closed");
  });

  test("a probe that never reports is presumed lost after probeTimeoutMs", () => {
    const { breaker, fail, advance } = setup({ probeTimeoutMs: 10_000 });
    fail(5);
    advance(30_000);
    expect(breaker.tryAcquire()).toBe(true);
    advance(9_999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
  });

  test("while open, late results of calls that started earlier change nothing", () => {
    const { breaker, fail, now } = setup();
    fail(5);
    const until = breaker.openUntil();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.openUntil()).toBe(until);
    expect(breaker.stats()).toMatchObject({ successes: 1, failures: 6, opens: 1 });
    expect(until).toBe(now() + 30_000);
  });

  test("while half-open any success is evidence enough to close", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    advance(30_000);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
  });
});

describe("failure rate over a window", () => {
  const window = { ms: 10_000, minCalls: 10, failureRate: 0.5 };

  test("opens when half the calls in the window failed, once there are enough calls", () => {
    const { breaker, advance } = setup({ failureThreshold: 1000, window });
    for (let i = 0; i < 4; i++) {
      breaker.recordSuccess();
      breaker.recordFailure();
      advance(100);
    }
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed"); // 9 calls: below minCalls
    breaker.recordFailure();
    expect(breaker.state).toBe("open"); // 10 calls, 5 failed
  });

  test("below the rate it stays closed", () => {
    const { breaker } = setup({ failureThreshold: 1000, window });
    for (let i = 0; i < 30; i++) {
      breaker.recordSuccess();
      breaker.recordSuccess();
      breaker.recordFailure();
    }
    expect(breaker.state).toBe("closed");
  });

  test("old calls leave the window", () => {
    const { breaker, advance, fail } = setup({ failureThreshold: 1000, window });
    fail(9);
    advance(20_000);
    breaker.recordSuccess();
    fail(1);
    expect(breaker.state).toBe("closed"); // only 2 calls in the window now
  });

  test("no window configured: rate never opens it", () => {
    const { breaker } = setup({ failureThreshold: 1000 });
    for (let i = 0; i < 100; i++) {
      breaker.recordSuccess();
      breaker.recordFailure();
    }
    expect(breaker.state).toBe("closed");
  });
});

describe("distinct sources (provider breakers)", () => {
  test("one source alone never opens it; a second one does", () => {
    const { breaker, fail } = setup({ minSources: 2 });
    fail(20, "account-a");
    expect(breaker.state).toBe("closed");
    fail(1, "account-b");
    expect(breaker.state).toBe("open");
  });

  test("a success forgets the sources that failed before it", () => {
    const { breaker, fail } = setup({ minSources: 2 });
    fail(4, "account-a");
    breaker.recordSuccess();
    fail(6, "account-b");
    expect(breaker.state).toBe("closed"); // a's failures came before the success
    fail(1, "account-a");
    expect(breaker.state).toBe("open");
  });

  test("threshold and sources both needed", () => {
    const { breaker, fail } = setup({ minSources: 2 });
    fail(2, "a");
    fail(2, "b");
    expect(breaker.state).toBe("closed");
    fail(1, "b");
    expect(breaker.state).toBe("open");
  });

  test("a forgotten source no longer counts", () => {
    const { breaker, fail } = setup({ minSources: 2 });
    fail(3, "a");
    fail(1, "b");
    breaker.forgetSource("b");
    fail(1, "a");
    expect(breaker.state).toBe("closed");
  });
});

describe("configure and reset", () => {
  test("a new threshold applies at once", () => {
    const { breaker, fail } = setup();
    fail(2);
    breaker.configure({ failureThreshold: 3 });
    fail(1);
    expect(breaker.state).toBe("open");
  });

  test("a lower maximum caps a grown cool-down", () => {
    const { breaker, fail, advance } = setup();
    fail(5);
    for (let i = 0; i < 3; i++) {
      advance(600_000);
      breaker.tryAcquire();
      breaker.recordFailure();
    }
    expect(breaker.stats().cooldownMs).toBe(240_000);
    breaker.configure({ maxCooldownMs: 100_000 });
    expect(breaker.stats().cooldownMs).toBe(100_000);
  });

  test("reset closes it and keeps the counters", () => {
    const { breaker, fail, now } = setup();
    fail(5);
    breaker.reset();
    expect(breaker.stats()).toMatchObject({ state: "closed", failures: 5, opens: 1, consecutiveFailures: 0, lastChange: now() });
    expect(breaker.tryAcquire()).toBe(true);
  });
});
