import { describe, expect, test } from "bun:test";
import { AccountHealth, type AccountHealthSettings, DEFAULT_ACCOUNT_HEALTH_OPTIONS } from "../../../src/routing/account-health";
import { type ClassifiedFailure, classifyFailure, type FailureClass } from "../../../src/routing/failure-class";

const START = 1_700_000_000_000;
const S = 1000;

function setup(settings: AccountHealthSettings = {}) {
  let now = START;
  const health = new AccountHealth(settings, () => now);
  return {
    health,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    /** n transient failures on one account. */
    transient: (id: string, provider: string, n = 1) => {
      for (let i = 0; i < n; i++) health.recordFailure(id, provider, failure("transient"));
    },
  };
}

const failure = (cls: FailureClass, retryAt: number | null = null): ClassifiedFailure => ({ class: cls, retryAt, reason: `test ${cls}` });

describe("defaults", () => {
  test("documented defaults", () => {
    expect(DEFAULT_ACCOUNT_HEALTH_OPTIONS).toMatchObject({
      rateLimitBaseMs: 1_000,
      rateLimitMaxMs: 300_000,
      ewmaAlpha: 0.3,
      accountBreaker: { failureThreshold: 5, cooldownMs: 30_000, maxCooldownMs: 600_000, minSources: 1 },
      providerBreaker: { failureThreshold: 5, cooldownMs: 30_000, maxCooldownMs: 600_000, minSources: 2 },
    });
  });

  test("settings override field by field", () => {
    const { health } = setup({ rateLimitBaseMs: 500, providerBreaker: { minSources: 3 } });
    expect(health.options.rateLimitBaseMs).toBe(500);
    expect(health.options.rateLimitMaxMs).toBe(300_000);
    expect(health.options.providerBreaker).toMatchObject({ minSources: 3, failureThreshold: 5 });
  });

  test("an unknown account is available and costs nothing", () => {
    const { health } = setup();
    const first = health.check("c1", "openai");
    expect(first).toEqual({ available: true });
    expect(health.check("c2", "openai")).toBe(first); // the same shared object: no allocation
    expect(health.stats("c1")).toMatchObject({ inflight: 0, uses: 0, ewmaTtfbMs: null, cooldownUntil: null, needsReauth: false, breaker: "closed" });
    expect(health.snapshot()).toEqual({ accounts: [], providers: [] });
  });
});

describe("rate limits and quotas: cool-down", () => {
  for (const cls of ["rate-limited", "quota-exhausted"] as const) {
    test(`${cls} with retryAt cools down until then, and not a moment longer`, () => {
      const { health, advance, now } = setup();
      const until = now() + 34_400;
      health.recordFailure("c1", "gemini", failure(cls, until));
      expect(health.check("c1", "gemini")).toEqual({ available: false, until, reason: "cooldown" });
      expect(health.stats("c1").cooldownUntil).toBe(until);
      advance(34_399);
      expect(health.check("c1", "gemini").available).toBe(false);
      advance(1);
      expect(health.check("c1", "gemini").available).toBe(true);
      expect(health.stats("c1").cooldownUntil).toBeNull();
      expect(health.check("c2", "gemini").available).toBe(true); // other accounts untouched
    });
  }

  test("without retryAt: 1 s, 2 s, 4 s … capped at 5 min, back to 1 s after a success", () => {
    const { health, advance, now } = setup();
    const periods: number[] = [];
    for (let i = 0; i < 11; i++) {
      health.recordFailure("c1", "openai", failure("rate-limited"));
      const check = health.check("c1", "openai");
      if (check.available) throw new Error("expected a cool-down");
      periods.push(check.until! - now());
      advance(check.until! - now());
    }
    expect(periods).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
    health.recordSuccess("c1", "openai", { ttfbMs: 100 });
    health.recordFailure("c1", "openai", failure("quota-exhausted"));
    expect(health.stats("c1").cooldownUntil).toBe(now() + 1_000);
  });

  test("the ladder's base and cap come from settings", () => {
    const { health, now } = setup({ rateLimitBaseMs: 250, rateLimitMaxMs: 600 });
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      health.recordFailure("c1", "openai", failure("rate-limited"));
      got.push(health.stats("c1").cooldownUntil! - now());
    }
    expect(got).toEqual([250, 500, 600, 600]);
  });

  test("a shorter retryAt never shortens a running cool-down", () => {
    const { health, now } = setup();
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 60 * S));
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 5 * S));
    expect(health.stats("c1").cooldownUntil).toBe(now() + 60 * S);
  });

  test("rate limits do not feed the breakers", () => {
    const { health } = setup();
    for (let i = 0; i < 20; i++) health.recordFailure("c1", "openai", failure("rate-limited"));
    expect(health.stats("c1").breaker).toBe("closed");
    expect(health.snapshot().providers).toEqual([]);
  });

  test("end to end with a classified 429", () => {
    const { health, now } = setup();
    const classified = classifyFailure({ status: 429, headers: { "retry-after": "20" } }, () => now());
    health.recordFailure("c1", "anthropic", classified);
    expect(health.check("c1", "anthropic")).toEqual({ available: false, until: now() + 20 * S, reason: "cooldown" });
  });
});

describe("auth: needs re-auth until the connection is edited", () => {
  test("stays unavailable whatever the time, until clearReauth", () => {
    const { health, advance } = setup();
    health.recordFailure("c1", "openai", failure("auth"));
    expect(health.check("c1", "openai")).toEqual({ available: false, until: null, reason: "reauth" });
    advance(7 * 24 * 3600 * S);
    expect(health.check("c1", "openai").available).toBe(false);
    health.recordSuccess("c1", "openai"); // a late success of an older request proves nothing about the key
    expect(health.stats("c1").needsReauth).toBe(true);
    health.clearReauth("c1");
    expect(health.check("c1", "openai").available).toBe(true);
    expect(health.stats("c1").needsReauth).toBe(false);
  });

  test("clearReauth on an unknown id is harmless", () => {
    const { health } = setup();
    health.clearReauth("nope");
    expect(health.snapshot().accounts).toEqual([]);
  });
});

describe("no penalty", () => {
  for (const cls of ["context-length", "client-error"] as const) {
    test(cls, () => {
      const { health } = setup();
      for (let i = 0; i < 20; i++) health.recordFailure("c1", "openai", failure(cls));
      expect(health.check("c1", "openai").available).toBe(true);
      expect(health.snapshot()).toEqual({ accounts: [], providers: [] });
    });
  }
});

describe("transient failures: the account breaker", () => {
  test("opens after 5 consecutive failures, for 30 s", () => {
    const { health, transient, now } = setup();
    transient("c1", "openai", 4);
    expect(health.check("c1", "openai").available).toBe(true);
    transient("c1", "openai");
    expect(health.check("c1", "openai")).toEqual({ available: false, until: now() + 30 * S, reason: "breaker-open" });
    expect(health.stats("c1").breaker).toBe("open");
  });

  test("a success in between resets the count", () => {
    const { health, transient } = setup();
    transient("c1", "openai", 4);
    health.recordSuccess("c1", "openai", { ttfbMs: 200 });
    transient("c1", "openai", 4);
    expect(health.check("c1", "openai").available).toBe(true);
  });

  test("half-open: exactly one probe, even with many checks and begins", () => {
    const { health, transient, advance } = setup();
    transient("c1", "openai", 5);
    advance(30 * S);
    // Every candidate check says yes (no side effects) …
    const checks = Array.from({ length: 20 }, () => health.check("c1", "openai"));
    expect(checks.every((c) => c.available)).toBe(true);
    // … but only one begin gets through.
    const leases = Array.from({ length: 20 }, () => health.begin("c1", "openai"));
    expect(leases.filter((lease) => lease !== null)).toHaveLength(1);
    expect(leases[0]).toMatchObject({ connectionId: "c1", providerId: "openai", probe: true });
    expect(health.check("c1", "openai")).toEqual({ available: false, until: null, reason: "breaker-open" });
    expect(health.stats("c1").inflight).toBe(1);
  });

  test("the probe's success closes the breaker", () => {
    const { health, transient, advance } = setup();
    transient("c1", "openai", 5);
    advance(30 * S);
    const lease = health.begin("c1", "openai")!;
    health.recordSuccess("c1", "openai", { ttfbMs: 300, latencyMs: 900 });
    health.end(lease);
    expect(health.stats("c1")).toMatchObject({ breaker: "closed", inflight: 0 });
    expect(health.begin("c1", "openai")).toMatchObject({ probe: false });
    expect(health.begin("c1", "openai")).not.toBeNull();
  });

  test("the probe's failure re-opens it, doubling: 60 s, then 120 s", () => {
    const { health, transient, advance, now } = setup();
    transient("c1", "openai", 5);
    for (const expected of [60 * S, 120 * S]) {
      advance(health.snapshot().accounts[0]!.breaker.openUntil! - now());
      const lease = health.begin("c1", "openai");
      expect(lease?.probe).toBe(true);
      transient("c1", "openai");
      health.end(lease!);
      expect(health.check("c1", "openai")).toEqual({ available: false, until: now() + expected, reason: "breaker-open" });
    }
  });

  test("a probe that ends without a verdict (client left) frees the slot", () => {
    const { health, transient, advance } = setup();
    transient("c1", "openai", 5);
    advance(30 * S);
    const lease = health.begin("c1", "openai")!;
    expect(health.begin("c1", "openai")).toBeNull();
    health.end(lease);
    health.end(lease); // twice: harmless
    expect(health.stats("c1").inflight).toBe(0);
    expect(health.begin("c1", "openai")).toMatchObject({ probe: true });
  });

  test("a probe answered with a rate limit keeps the breaker half-open and cools the account down", () => {
    const { health, transient, advance, now } = setup();
    transient("c1", "openai", 5);
    advance(30 * S);
    const lease = health.begin("c1", "openai")!;
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 10 * S));
    health.end(lease);
    expect(health.stats("c1").breaker).toBe("half-open");
    expect(health.check("c1", "openai")).toEqual({ available: false, until: now() + 10 * S, reason: "cooldown" });
    advance(10 * S);
    expect(health.begin("c1", "openai")).toMatchObject({ probe: true });
  });

  test("a transient failure with a retry time also cools the account down (503 + Retry-After)", () => {
    const { health, now } = setup();
    health.recordFailure("c1", "openai", failure("transient", now() + 30 * S));
    expect(health.check("c1", "openai")).toEqual({ available: false, until: now() + 30 * S, reason: "cooldown" });
  });
});

describe("the provider breaker", () => {
  test("opens when several accounts of one provider fail, and blocks its healthy accounts too", () => {
    const { health, transient, now } = setup();
    transient("a", "openai", 2);
    transient("b", "openai", 2);
    expect(health.check("d", "openai").available).toBe(true);
    transient("c", "openai", 1);
    expect(health.check("d", "openai")).toEqual({ available: false, until: now() + 30 * S, reason: "provider-breaker-open" });
    expect(health.check("a", "openai")).toMatchObject({ available: false, reason: "provider-breaker-open" });
    expect(health.check("d", "anthropic").available).toBe(true); // another provider
    expect(health.check("x", "anthropic").available).toBe(true);
  });

  test("one broken account does not open it", () => {
    const { health, transient } = setup();
    transient("a", "openai", 12);
    expect(health.check("a", "openai")).toMatchObject({ available: false, reason: "breaker-open" });
    expect(health.check("b", "openai").available).toBe(true);
    expect(health.snapshot().providers[0]!.breaker.state).toBe("closed");
  });

  test("a success on any account resets it", () => {
    const { health, transient } = setup();
    transient("a", "openai", 2);
    transient("b", "openai", 2);
    health.recordSuccess("c", "openai");
    transient("a", "openai", 2);
    expect(health.check("d", "openai").available).toBe(true);
  });

  test("half-open: one probe across all the provider's accounts", () => {
    const { health, transient, advance } = setup();
    transient("a", "openai", 3);
    transient("b", "openai", 2);
    advance(30 * S);
    const leases = ["c", "d", "e", "c", "d"].map((id) => health.begin(id, "openai"));
    expect(leases.filter((lease) => lease !== null)).toHaveLength(1);
    expect(leases[0]).toMatchObject({ connectionId: "c", probe: true });
    expect(health.check("d", "openai")).toEqual({ available: false, until: null, reason: "provider-breaker-open" });
    health.recordSuccess("c", "openai", { ttfbMs: 100 });
    health.end(leases[0]!);
    expect(health.check("d", "openai").available).toBe(true);
    expect(health.begin("d", "openai")).toMatchObject({ probe: false });
  });

  test("the provider probe failing re-opens the provider with a doubled cool-down", () => {
    const { health, transient, advance, now } = setup();
    transient("a", "openai", 3);
    transient("b", "openai", 2);
    advance(30 * S);
    const lease = health.begin("c", "openai")!;
    transient("c", "openai");
    health.end(lease);
    expect(health.check("d", "openai")).toEqual({ available: false, until: now() + 60 * S, reason: "provider-breaker-open" });
  });

  test("minSources 1 makes it open on one account's failures", () => {
    const { health, transient } = setup({ providerBreaker: { minSources: 1, failureThreshold: 3 } });
    transient("a", "openai", 3);
    expect(health.check("b", "openai")).toMatchObject({ available: false, reason: "provider-breaker-open" });
  });
});

describe("several blockers at once", () => {
  test("the latest end is reported", () => {
    const { health, transient, now } = setup();
    transient("c1", "openai", 5); // breaker open until +30 s
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 90 * S));
    expect(health.check("c1", "openai")).toEqual({ available: false, until: now() + 90 * S, reason: "cooldown" });
    health.recordFailure("c2", "openai", failure("rate-limited", now() + 10 * S));
    transient("c2", "openai", 5);
    expect(health.check("c2", "openai")).toEqual({ available: false, until: now() + 30 * S, reason: "breaker-open" });
  });

  test("re-auth (no known end) wins", () => {
    const { health, now } = setup();
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 90 * S));
    health.recordFailure("c1", "openai", failure("auth"));
    expect(health.check("c1", "openai")).toEqual({ available: false, until: null, reason: "reauth" });
  });

  test("begin refuses an unavailable account and counts nothing", () => {
    const { health, now } = setup();
    health.recordFailure("c1", "openai", failure("rate-limited", now() + 5 * S));
    expect(health.begin("c1", "openai")).toBeNull();
    expect(health.stats("c1").inflight).toBe(0);
  });
});

describe("in-flight, uses and time to first byte", () => {
  test("begin / end count requests in flight", () => {
    const { health, now } = setup();
    const leases = [health.begin("c1", "openai")!, health.begin("c1", "openai")!, health.begin("c1", "openai")!];
    expect(health.stats("c1")).toMatchObject({ inflight: 3, lastUsedAt: now() });
    health.end(leases[0]!);
    health.end("c1"); // by id
    expect(health.stats("c1").inflight).toBe(1);
    health.end(leases[0]!); // already ended
    health.end(leases[2]!);
    health.end("c1"); // more ends than begins: never negative
    expect(health.stats("c1").inflight).toBe(0);
  });

  test("begin remembers the provider for later calls", () => {
    const { health } = setup();
    expect(health.begin("c1", "openai")).toMatchObject({ providerId: "openai" });
    expect(health.begin("c1")).toMatchObject({ providerId: "openai" });
  });

  test("EWMA of ttfb and latency, α from settings; uses counts successes", () => {
    const { health } = setup({ ewmaAlpha: 0.5 });
    health.recordSuccess("c1", "openai", { ttfbMs: 100, latencyMs: 1000 });
    expect(health.stats("c1")).toMatchObject({ ewmaTtfbMs: 100, ewmaLatencyMs: 1000, uses: 1 });
    health.recordSuccess("c1", "openai", { ttfbMs: 200, latencyMs: 3000 });
    expect(health.stats("c1")).toMatchObject({ ewmaTtfbMs: 150, ewmaLatencyMs: 2000, uses: 2 });
    health.recordSuccess("c1", "openai", { ttfbMs: Number.NaN });
    health.recordSuccess("c1", "openai", { ttfbMs: -1 });
    health.recordSuccess("c1", "openai");
    expect(health.stats("c1")).toMatchObject({ ewmaTtfbMs: 150, uses: 5 });
  });

  test("default α is 0.3", () => {
    const { health } = setup();
    health.recordSuccess("c1", "openai", { ttfbMs: 100 });
    health.recordSuccess("c1", "openai", { ttfbMs: 200 });
    expect(health.stats("c1").ewmaTtfbMs).toBeCloseTo(130, 9);
  });

  test("an out-of-range α falls back to the default", () => {
    const { health } = setup({ ewmaAlpha: 0 });
    expect(health.options.ewmaAlpha).toBe(0.3);
  });
});

describe("snapshot, forget, configure", () => {
  test("snapshot holds every account and provider with breaker counters", () => {
    const { health, transient, now } = setup();
    health.recordSuccess("a", "openai", { ttfbMs: 120 });
    transient("b", "openai", 5);
    health.recordFailure("c", "gemini", failure("rate-limited", now() + 5 * S));
    const snapshot = health.snapshot();
    expect(snapshot.accounts.map((a) => [a.connectionId, a.providerId])).toEqual([
      ["a", "openai"],
      ["b", "openai"],
      ["c", "gemini"],
    ]);
    const b = snapshot.accounts[1]!;
    expect(b.availability).toEqual({ available: false, until: now() + 30 * S, reason: "breaker-open" });
    expect(b.breaker).toMatchObject({ state: "open", failures: 5, opens: 1, lastChange: now() });
    expect(b.lastFailure).toEqual({ class: "transient", reason: "test transient", at: now() });
    expect(snapshot.accounts[2]).toMatchObject({ cooldownUntil: now() + 5 * S, rateLimitStreak: 1 });
    // Only transient failures and successes reach a provider breaker; gemini saw neither.
    expect(snapshot.providers).toEqual([{ providerId: "openai", breaker: expect.objectContaining({ state: "closed", successes: 1, failures: 5, consecutiveFailures: 5 }) }]);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot); // JSON-ready for /api/health
  });

  test("forget drops an account; memory is bounded by the live connections", () => {
    const { health, transient } = setup();
    for (let i = 0; i < 1000; i++) {
      const id = `conn-${i}`;
      health.recordSuccess(id, "openai", { ttfbMs: i });
      transient(id, "openai", 5);
      health.forget(id);
    }
    expect(health.snapshot().accounts).toEqual([]);
    expect(health.snapshot().providers).toHaveLength(1);
    // Each account failed alone (and was forgotten as a failure source), so the provider never opened.
    expect(health.snapshot().providers[0]!.breaker.state).toBe("closed");
    expect(health.check("conn-1", "openai").available).toBe(true);
  });

  test("a forgotten account starts fresh", () => {
    const { health, transient } = setup();
    transient("c1", "openai", 5);
    health.recordFailure("c1", "openai", failure("auth"));
    health.forget("c1");
    health.forget("c1");
    expect(health.check("c1", "openai").available).toBe(true);
    expect(health.stats("c1")).toMatchObject({ needsReauth: false, breaker: "closed" });
  });

  test("configure applies to existing breakers and the ladder", () => {
    const { health, transient, now } = setup();
    transient("c1", "openai", 2);
    health.configure({ accountBreaker: { failureThreshold: 3 }, rateLimitBaseMs: 5_000 });
    transient("c1", "openai", 1);
    expect(health.check("c1", "openai")).toMatchObject({ available: false, reason: "breaker-open" });
    health.recordFailure("c2", "openai", failure("rate-limited"));
    expect(health.stats("c2").cooldownUntil).toBe(now() + 5_000);
    expect(health.options.accountBreaker.cooldownMs).toBe(30_000);
  });
});
