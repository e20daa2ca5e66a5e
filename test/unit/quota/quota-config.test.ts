import { describe, expect, test } from "bun:test";
import { parseQuotaJson, quotaWindowsSchema } from "../../../src/quota/quota-config";

const messages = (input: unknown) => {
  const parsed = quotaWindowsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("quota window config", () => {
  test("accepts the four window kinds with defaults filled in", () => {
    const parsed = quotaWindowsSchema.parse([
      { id: "5h", window: { kind: "rolling", hours: 5 }, limits: { requests: 50 } },
      { id: "daily", window: { kind: "daily", resetHour: 9, utcOffsetMinutes: 120 }, limits: { tokens: 1_000_000 }, reservePercent: 10 },
      { id: "weekly", window: { kind: "weekly" }, limits: { usd: 20 } },
      { id: "monthly", window: { kind: "monthly", resetDay: 15 }, limits: { requests: 1000, usd: 100 } },
    ]);
    expect(parsed[2]!.window).toEqual({ kind: "weekly", resetDay: 1, resetHour: 0, utcOffsetMinutes: 0 });
  });

  test("refuses windows without a limit, duplicate ids, bad ids, unknown fields and out-of-range values", () => {
    expect(messages([{ id: "a", window: { kind: "daily" }, limits: {} }])).toEqual(["0.limits: a window needs at least one limit: requests, tokens or usd"]);
    expect(messages([
      { id: "a", window: { kind: "daily" }, limits: { requests: 1 } },
      { id: "a", window: { kind: "weekly" }, limits: { requests: 1 } },
    ])).toEqual(["1.id: window id 'a' is used twice"]);
    expect(messages([{ id: "no spaces", window: { kind: "daily" }, limits: { requests: 1 } }])[0]).toContain("window id must be");
    expect(messages([{ id: "a", window: { kind: "daily" }, limits: { requests: 1, dollars: 5 } }])[0]).toContain("limits");
    expect(messages([{ id: "a", window: { kind: "hourly" }, limits: { requests: 1 } }])[0]).toContain("window.kind");
    expect(messages([{ id: "a", window: { kind: "daily", resetHour: 24 }, limits: { requests: 1 } }])[0]).toContain("window.resetHour");
    expect(messages([{ id: "a", window: { kind: "daily" }, limits: { requests: -1 } }])[0]).toContain("limits.requests");
    expect(messages([{ id: "a", window: { kind: "daily" }, limits: { requests: 1 }, reservePercent: 100 }])[0]).toContain("reservePercent");
  });

  test("stored JSON that no longer parses reads as no windows", () => {
    expect(parseQuotaJson(null)).toBeNull();
    expect(parseQuotaJson("not json")).toBeNull();
    expect(parseQuotaJson('[{"id":"a","window":{"kind":"daily"},"limits":{}}]')).toBeNull();
    expect(parseQuotaJson('[{"id":"a","window":{"kind":"daily"},"limits":{"requests":3}}]')![0]!.limits).toEqual({ requests: 3 });
  });
});
