import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { nearestRank } from "../../src/analytics/percentile";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Real requests through the gateway to recorded upstreams (some failing), then the analytics API, the request-log
 * list with its filters and cursor, one row in detail, and the CSV export, checked against what was sent.
 */
let gw: TestGateway;
let chatUpstream: ReturnType<typeof startRecordedUpstream>;
let anthropicUpstream: ReturnType<typeof startRecordedUpstream>;
let chatModel: string;
let anthropicModel: string;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };
const COMBO = "lane";
/** An upstream error message with a comma and quotes, to prove the CSV escaping. */
const BOOM = 'boom, the "upstream" fell over';
let startedAt: number;

const encoder = new TextEncoder();
const chatReply = (request: SeenRequest): RecordedReply =>
  request.body.includes("please-fail")
    ? { status: 500, contentType: "application/json", pieces: [encoder.encode(JSON.stringify({ error: { message: BOOM, type: "server_error" } }))] }
    : fixtureReply("openai-chat", "text-nonstream").reply;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function chat(key: { key: string }, model: string, content = "hi"): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
}

async function messages(key: { key: string }, model: string): Promise<Response> {
  return fetch(`${gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key.key },
    body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
  });
}

interface Figures {
  requests: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  costedRequests: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  ttfbMs: { p50: number | null; p95: number | null; p99: number | null };
}
interface Analytics {
  from: string;
  to: string;
  groupBy: string;
  bucket: string | null;
  totals: Figures;
  groups: Array<Figures & { key: string | null; label: string | null; bucketStart: string | null }>;
}
interface LogRow {
  id: string;
  startedAt: number;
  apiKeyId: string | null;
  surface: string;
  requestedModel: string | null;
  providerId: string | null;
  status: number;
  latencyMs: number;
  ttfbMs: number | null;
  tokensIn: number | null;
  costUsd: number | null;
  error: string | null;
  attemptsJson: string | null;
  combo: string | null;
}

async function analytics(query: string): Promise<Analytics> {
  const response = await admin("GET", `/api/analytics?from=${startedAt}&${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Analytics;
}

const byKey = (result: Analytics) => Object.fromEntries(result.groups.map((g) => [String(g.key), g]));

async function allLogs(query = ""): Promise<LogRow[]> {
  const response = await admin("GET", `/api/logs?limit=1000&from=${startedAt}${query ? `&${query}` : ""}`);
  expect(response.status).toBe(200);
  return (await response.json()) as LogRow[];
}

beforeAll(async () => {
  chatUpstream = startRecordedUpstream(chatReply);
  anthropicUpstream = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);
  gw = await startTestGateway();
  chatModel = await connectFormat(gw, "openai-chat", chatUpstream.url);
  anthropicModel = await connectFormat(gw, "anthropic", anthropicUpstream.url);
  const created = async (name: string) => (await (await admin("POST", "/api/keys", { name })).json()) as { id: string; key: string };
  keyA = await created("key a");
  keyB = await created("key b");
  expect((await admin("POST", "/api/combos", { name: COMBO, targets: [{ model: chatModel }] })).status).toBe(201);
  const settings = await admin("PATCH", "/api/settings", {
    routing: { transientRetries: 0 },
    // $1000 / $2000 per 1M tokens: the fixture's 24 in + 8 out cost 0.024 + 0.016 = $0.04 a request.
    pricing: { models: { "openai-compatible/test-model": { input: 1000, output: 2000 }, "anthropic-compatible/test-model": { input: 3, output: 15 } } },
  });
  expect(settings.status).toBe(200);
  startedAt = Date.now() - 1;

  for (let i = 0; i < 3; i++) expect((await chat(keyA, chatModel)).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await chat(keyA, chatModel, "please-fail")).status).toBe(500);
  for (let i = 0; i < 2; i++) expect((await messages(keyB, anthropicModel)).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await chat(keyB, COMBO)).status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  chatUpstream.stop();
  anthropicUpstream.stop();
});

describe("GET /api/analytics", () => {
  test("groupBy model: requests, success rate, tokens from the fixtures' usage, cost from the price set", async () => {
    const result = await analytics("groupBy=model");
    expect(result.groupBy).toBe("model");
    const groups = byKey(result);
    expect(Object.keys(groups).sort()).toEqual([anthropicModel, chatModel, COMBO].sort());
    expect(groups[chatModel]).toMatchObject({ requests: 5, succeeded: 3, failed: 2, successRate: 0.6, tokensIn: 72, tokensOut: 24, costedRequests: 3 });
    expect(groups[chatModel]!.costUsd).toBeCloseTo(0.12, 10);
    // Anthropic fixture: 12 in, 29 out at $3 / $15 per 1M.
    expect(groups[anthropicModel]).toMatchObject({ requests: 2, succeeded: 2, successRate: 1, tokensIn: 24, tokensOut: 58 });
    expect(groups[anthropicModel]!.costUsd).toBeCloseTo(2 * (12 * 3 + 29 * 15) / 1e6, 12);
    expect(groups[COMBO]).toMatchObject({ requests: 2, succeeded: 2, tokensIn: 48, tokensOut: 16 });
    expect(groups[COMBO]!.costUsd).toBeCloseTo(0.08, 10);
    expect(result.totals).toMatchObject({ requests: 9, succeeded: 7, failed: 2, tokensIn: 144, tokensOut: 98 });
    expect(result.totals.successRate).toBeCloseTo(7 / 9, 10);
  });

  test("groupBy provider, key (with the key's name), combo", async () => {
    const providers = byKey(await analytics("groupBy=provider"));
    expect(providers["openai-compatible"]).toMatchObject({ requests: 7, succeeded: 5 });
    expect(providers["anthropic-compatible"]).toMatchObject({ requests: 2, succeeded: 2 });

    const keys = byKey(await analytics("groupBy=key"));
    expect(keys[keyA.id]).toMatchObject({ requests: 5, succeeded: 3, label: "key a" });
    expect(keys[keyB.id]).toMatchObject({ requests: 4, succeeded: 4, label: "key b" });

    const combos = byKey(await analytics("groupBy=combo"));
    expect(combos[COMBO]).toMatchObject({ requests: 2, succeeded: 2 });
    expect(combos.null).toMatchObject({ requests: 7 });
  });

  test("percentiles equal the nearest-rank percentiles of the logged latencies and TTFBs, per group", async () => {
    const rows = await allLogs();
    const groups = byKey(await analytics("groupBy=model"));
    for (const model of [chatModel, anthropicModel, COMBO]) {
      const own = rows.filter((r) => r.requestedModel === model);
      const latency = own.map((r) => r.latencyMs).sort((a, b) => a - b);
      const ttfb = own.flatMap((r) => (r.ttfbMs === null ? [] : [r.ttfbMs])).sort((a, b) => a - b);
      expect(groups[model]!.latencyMs).toEqual({ p50: nearestRank(latency, 50), p95: nearestRank(latency, 95), p99: nearestRank(latency, 99) });
      expect(groups[model]!.ttfbMs).toEqual({ p50: nearestRank(ttfb, 50), p95: nearestRank(ttfb, 95), p99: nearestRank(ttfb, 99) });
    }
  });

  test("time buckets: UTC-aligned, adding up to the totals", async () => {
    const response = await admin("GET", `/api/analytics/timeseries?from=${startedAt}&bucket=minute`);
    expect(response.status).toBe(200);
    const result = (await response.json()) as Analytics;
    expect(result.bucket).toBe("minute");
    expect(result.groups.length).toBeGreaterThanOrEqual(1);
    for (const group of result.groups) expect(Date.parse(group.bucketStart!) % 60_000).toBe(0);
    expect(result.groups.reduce((sum, g) => sum + g.requests, 0)).toBe(9);
    // The timeseries route defaults to hour buckets.
    const hourly = (await (await admin("GET", `/api/analytics/timeseries?from=${startedAt}`)).json()) as Analytics;
    expect(hourly.bucket).toBe("hour");
    for (const group of hourly.groups) expect(Date.parse(group.bucketStart!) % 3_600_000).toBe(0);
  });

  test("a range before the requests is empty; bad ranges are 400", async () => {
    const empty = (await (await admin("GET", `/api/analytics?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`)).json()) as Analytics;
    expect(empty.groups).toEqual([]);
    expect(empty.totals.requests).toBe(0);
    expect(empty.totals.successRate).toBeNull();
    const reversed = await admin("GET", "/api/analytics?from=2000&to=1000");
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
    expect((await admin("GET", "/api/analytics?from=yesterday")).status).toBe(400);
    expect((await admin("GET", "/api/analytics?groupBy=colour")).status).toBe(400);
    expect((await admin("GET", "/api/analytics/timeseries?bucket=minute&from=2020-01-01T00:00:00Z&to=2021-01-01T00:00:00Z")).status).toBe(400);
  });

  test("needs the dashboard session", async () => {
    expect((await fetch(`${gw.url}/api/analytics`)).status).toBe(401);
    expect((await fetch(`${gw.url}/api/logs`)).status).toBe(401);
  });
});

describe("GET /api/logs", () => {
  test("the old `limit` query still answers an array, newest first", async () => {
    const response = await admin("GET", "/api/logs?limit=1");
    const rows = (await response.json()) as LogRow[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.requestedModel).toBe(COMBO);
  });

  test("filters: status, model, provider, key, combo, surface, text in the error, time range", async () => {
    const ids = async (query: string) => (await allLogs(query)).map((r) => r.id);
    const all = await allLogs();
    expect(all).toHaveLength(9);
    expect(await allLogs("status=error")).toHaveLength(2);
    expect(await allLogs("status=500")).toHaveLength(2);
    expect(await allLogs("status=ok")).toHaveLength(7);
    expect(await allLogs("status=404")).toHaveLength(0);
    expect((await allLogs(`model=${encodeURIComponent(chatModel)}`)).every((r) => r.requestedModel === chatModel)).toBe(true);
    expect(await allLogs(`model=${encodeURIComponent(chatModel)}`)).toHaveLength(5);
    expect(await allLogs("provider=anthropic-compatible")).toHaveLength(2);
    expect(await allLogs(`key=${keyB.id}`)).toHaveLength(4);
    expect(await allLogs(`combo=${COMBO}`)).toHaveLength(2);
    expect(await allLogs("surface=anthropic")).toHaveLength(2);
    expect(await ids(`search=${encodeURIComponent('"UPSTREAM" FELL')}`)).toEqual(await ids("status=error"));
    expect(await allLogs(`to=${startedAt}`)).toHaveLength(0);
    expect((await admin("GET", "/api/logs?status=teapot")).status).toBe(400);
  });

  test("cursor pagination walks every row once, newest first", async () => {
    const all = await allLogs();
    const seen: string[] = [];
    let next: string | null = "";
    let pages = 0;
    while (next !== null && pages < 20) {
      const response = await admin("GET", `/api/logs?limit=2&from=${startedAt}${next ? `&cursor=${encodeURIComponent(next)}` : ""}`);
      expect(response.status).toBe(200);
      const rows = (await response.json()) as LogRow[];
      seen.push(...rows.map((r) => r.id));
      next = response.headers.get("x-omniroute-next-cursor");
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual(all.map((r) => r.id));
    expect(new Set(seen).size).toBe(9);
    expect((await admin("GET", "/api/logs?cursor=garbage")).status).toBe(400);
  });

  test("GET /api/logs/:id: the row with its failed attempts parsed; 404 for an unknown id", async () => {
    const [failed] = await allLogs("status=error");
    const response = await admin("GET", `/api/logs/${failed!.id}`);
    expect(response.status).toBe(200);
    const detail = (await response.json()) as LogRow & { attempts: Array<{ target: string; status: number; error: string }>; bodies: unknown };
    expect(detail.id).toBe(failed!.id);
    expect(detail.status).toBe(500);
    expect(detail.attempts).toEqual([{ target: chatModel, status: 500, error: BOOM }]);
    expect(detail.bodies).toBeNull();
    expect((await admin("GET", "/api/logs/no-such-request")).status).toBe(404);
  });

  test("GET /api/logs/:id carries the bodies when body logging kept them", async () => {
    expect((await admin("PATCH", "/api/settings", { requestLog: { bodies: true } })).status).toBe(200);
    try {
      const response = await chat(keyA, chatModel, "remember this prompt");
      expect(response.status).toBe(200);
      const id = response.headers.get("x-request-id")!;
      const detail = (await (await admin("GET", `/api/logs/${id}`)).json()) as { bodies: { request: string | null; response: string | null } | null };
      expect(detail.bodies?.request).toContain("remember this prompt");
      expect(detail.bodies?.response).toContain("Paris");
    } finally {
      await admin("PATCH", "/api/settings", { requestLog: { bodies: false } });
    }
  });
});

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

describe("GET /api/logs/export.csv", () => {
  test("the filtered rows as CSV: header, one line per row, commas and quotes escaped", async () => {
    const response = await admin("GET", `/api/logs/export.csv?from=${startedAt}&key=${keyA.id}&to=${Date.now() + 1000}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/csv");
    expect(response.headers.get("content-disposition")).toContain("attachment");
    const text = await response.text();
    expect(text).toContain('"boom, the ""upstream"" fell over"');
    const [header, ...rows] = parseCsv(text);
    const column = (name: string) => header!.indexOf(name);
    expect(column("id")).toBe(0);
    const logs = await allLogs(`key=${keyA.id}`);
    expect(rows.map((r) => r[0])).toEqual(logs.map((r) => r.id));
    for (const [i, row] of rows.entries()) {
      expect(row).toHaveLength(header!.length);
      expect(row[column("error")]).toBe(logs[i]!.error ?? "");
      expect(Number(row[column("status")])).toBe(logs[i]!.status);
      expect(Date.parse(row[column("startedAt")]!)).toBe(logs[i]!.startedAt);
    }
    expect(rows.filter((r) => r[column("error")] === BOOM)).toHaveLength(2);
    // limit caps the export.
    const limited = parseCsv(await (await admin("GET", `/api/logs/export.csv?from=${startedAt}&limit=3`)).text());
    expect(limited).toHaveLength(4);
  });

  test("the OpenAPI document still builds and lists the new routes", async () => {
    const doc = (await (await fetch(`${gw.url}/openapi/json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ["/api/analytics", "/api/analytics/timeseries", "/api/logs", "/api/logs/{id}", "/api/logs/export.csv", "/api/health/details", "/api/health/reset", "/api/monitor/stream", "/metrics"]) {
      expect(doc.paths[path]).toBeDefined();
    }
  });
});
