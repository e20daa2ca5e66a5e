// Sequential streamed requests, timing the first body byte: wrk only sees whole responses.
// Prints one JSON line: {"n":..,"ttfb_us":{p50,p90,p99,mean},"total_us":{...},"errors":..}
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    auth: { type: "string", default: "sk-bench" },
    n: { type: "string", default: "1000" },
    warmup: { type: "string", default: "100" },
  },
});

const init: RequestInit = {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${values.auth}` },
  body: JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }),
};

type Sample = { ttfb: number; total: number; ok: boolean };

async function once(): Promise<Sample> {
  const start = Bun.nanoseconds();
  const res = await fetch(values.url!, init);
  const reader = res.body!.getReader();
  let first = await reader.read();
  const ttfb = Bun.nanoseconds() - start;
  while (!first.done) first = await reader.read();
  return { ttfb: ttfb / 1000, total: (Bun.nanoseconds() - start) / 1000, ok: res.status === 200 };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: at(50), p90: at(90), p99: at(99), mean: Math.round(mean * 10) / 10 };
}

for (let i = 0; i < Number(values.warmup); i++) await once();
const samples: Sample[] = [];
for (let i = 0; i < Number(values.n); i++) samples.push(await once());

console.log(
  JSON.stringify({
    n: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    ttfb_us: stats(samples.map((s) => s.ttfb)),
    total_us: stats(samples.map((s) => s.total)),
  }),
);
