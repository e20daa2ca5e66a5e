// RSS of a gateway started from source after 10k and 100k pass-through requests (the bench's memory stage alone),
// for A/B checks of memory growth: `bun scripts/bench/rss-probe.ts [repo dir]` (default: this repo).
import { join } from "node:path";
import { startGateway, provisionGateway, startMock } from "./lib/targets";
import { settledRssMb, stopAll } from "./lib/proc";
import { runWrk } from "./lib/wrk";

const repo = process.argv[2] ?? join(import.meta.dir, "..", "..");
const mock = await startMock(null);
const gw = await startGateway(null, ["bun", join(repo, "src", "main.ts"), "serve"], `rss-${Date.now()}`);
const auth = await provisionGateway(gw.url, gw.password, mock.url);
const chatUrl = `${gw.url}/v1/chat/completions`;
let done = 0;
for (const goal of [10_000, 100_000]) {
  const half = Math.ceil((goal - done) / 2);
  for (const stream of [false, true]) {
    const r = await runWrk({ url: chatUrl, auth, stream, connections: 16, seconds: 600, cpu: null, stopAfter: half });
    done += r.requests;
  }
  await Bun.sleep(1000);
  console.log(`${repo}: RSS after ${done} requests: ${await settledRssMb(gw.pid)} MB`);
}
await stopAll();
process.exit(0);
