// Profiles one bench case: starts the mock and OmniRoute from source under `bun --cpu-prof-md`, provisions it
// like the bench does, drives it with wrk for a few seconds, stops it, and prints where the profile was written.
// usage: bun scripts/bench/profile.ts [--case "stream c=64"] [--seconds 8] [--out dir]
import { parseArgs } from "node:util";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CASES } from "./lib/cases";
import { stopAll, stop } from "./lib/proc";
import { provisionGateway, REPO_ROOT, startGateway, startMock } from "./lib/targets";

const { values } = parseArgs({ options: { case: { type: "string", default: "stream c=64" }, seconds: { type: "string", default: "8" }, out: { type: "string", default: "/tmp/omniroute-profile" } } });
const benchCase = CASES.find((c) => c.id === values.case);
if (!benchCase) throw new Error(`no case "${values.case}"; cases: ${CASES.map((c) => c.id).join(", ")}`);
mkdirSync(values.out!, { recursive: true });

const mock = await startMock("1");
const gateway = await startGateway("1", ["bun", "--cpu-prof-md", `--cpu-prof-dir=${values.out}`, join(REPO_ROOT, "src/main.ts")], "profiled");
try {
  const key = await provisionGateway(gateway.url, gateway.password, mock.url, { combo: benchCase.kind === "combo" });
  const request = benchCase.requests.A;
  const extra = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`).join("\n");
  const wrk = Bun.spawn(
    ["taskset", "-c", "0", "wrk", "-t1", `-c${benchCase.connections}`, `-d${values.seconds}s`, "-s", join(import.meta.dir, "post.lua"), `${gateway.url}${request.path}`],
    { env: { ...process.env, BENCH_BODY: request.body, BENCH_AUTH_HEADER: request.authHeader, BENCH_AUTH: key, BENCH_HEADERS: extra, BENCH_CONNECTIONS: String(benchCase.connections) }, stdout: "pipe", stderr: "pipe" },
  );
  console.log(await new Response(wrk.stdout).text());
} finally {
  await stop(gateway.proc);
  await stopAll();
}
console.log(`profile written to ${values.out}`);
