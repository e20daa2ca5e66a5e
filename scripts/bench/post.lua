-- wrk script: POST one JSON request. Driven by env vars so one script serves every target and case.
-- The path is the one in the URL given to wrk (/v1/chat/completions, /v1/messages, ...).
--   BENCH_BODY=<json>         the whole request body; if unset, the chat completion below (model
--                             mock/gpt-4o-mini, one "hi" message, stream per BENCH_STREAM)
--   BENCH_STREAM=1            ask for a streamed answer (only used when BENCH_BODY is unset)
--   BENCH_AUTH=<token>        the key (client key for OmniRoute, upstream key otherwise)
--   BENCH_AUTH_HEADER=<name>  "authorization" (default): `Authorization: Bearer <key>`;
--                             any other name, e.g. x-api-key: `<name>: <key>` as is
--   BENCH_HEADERS=<lines>     extra headers, one "Name: value" per line (e.g. anthropic-version)
--   BENCH_STOP_AFTER=<n>      stop after n responses (used by the RSS-after-N-requests runs)
local stream = os.getenv("BENCH_STREAM") == "1"
local body = os.getenv("BENCH_BODY") or ""
local auth = os.getenv("BENCH_AUTH") or "sk-bench"
local auth_header = string.lower(os.getenv("BENCH_AUTH_HEADER") or "authorization")
local extra_headers = os.getenv("BENCH_HEADERS") or ""
local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "0")
connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1") -- global: done() runs in another Lua state

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if auth_header == "authorization" then
  wrk.headers["Authorization"] = "Bearer " .. auth
else
  wrk.headers[auth_header] = auth
end
for line in string.gmatch(extra_headers, "[^\n]+") do
  local name, value = string.match(line, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end
if body ~= "" then
  wrk.body = body
else
  wrk.body = '{"model":"mock/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":'
    .. (stream and "true" or "false") .. '}'
end

local req
local count = 0

function init(args)
  req = wrk.format() -- pre-built once: building per request would slow the load generator
  if stop_after <= 0 then
    response = nil -- wrk skips parsing responses when no callback is set
  end
end

function request()
  return req
end

function response(status, headers, body)
  count = count + 1
  if count == stop_after then
    -- wrk still sleeps out -d after a thread stops, so tell the harness to SIGINT it now.
    io.write("BENCH_STOPPED\n")
    io.flush()
    wrk.thread:stop()
  end
end

-- wrk 4 "corrects" its latency histogram for coordinated omission before done() runs: every sample
-- longer than twice the mean interval between requests (per connection) gets synthetic copies at
-- n-e, n-2e, ... With sub-millisecond intervals one rare stall turns into dozens of samples, so the
-- corrected p99 says little about what a closed-loop client saw. This undoes it exactly
-- (wrk's stats_correct, run backwards) so both views can be reported.
local function uncorrected(latency, summary)
  local per_conn = math.floor(summary.requests / connections)
  if per_conn == 0 then return nil end
  local e = math.floor(summary.duration / per_conn)
  local vals, cnt, orig = {}, {}, {}
  for i = 1, #latency do
    local v, c = latency(i)
    vals[i] = v
    cnt[v] = c
  end
  local max = vals[#vals] or 0
  for i = #vals, 1, -1 do
    local v = vals[i]
    local added = 0
    if v > e then
      local m = v + e
      while m <= max do
        added = added + (orig[m] or 0)
        m = m + e
      end
    end
    orig[v] = cnt[v] - added
  end
  local total, sum = 0, 0
  for _, v in ipairs(vals) do
    total = total + orig[v]
    sum = sum + orig[v] * v
  end
  local function pct(p)
    local rank = math.floor((p / 100) * total + 0.5 + 0.5) -- wrk: round(p/100 * count + 0.5)
    local seen = 0
    for _, v in ipairs(vals) do
      seen = seen + orig[v]
      if seen >= rank then return v end
    end
    return max
  end
  return string.format(
    '{"count":%d,"mean":%.2f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}',
    total, total > 0 and sum / total or 0, pct(50), pct(90), pct(99), pct(99.9), max)
end

-- One machine-readable line for the harness; latencies are microseconds.
-- "latency_us" is wrk's own (corrected) view; "raw_latency_us" is what the connections measured.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.2f,"stdev":%.2f,"min":%d,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
    '"raw_latency_us":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.min, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    uncorrected(latency, summary) or "null"))
end
