-- wrk script of bench/run.py: one target's request and a JSON summary with p95.
--
-- The request comes from the environment (set by run.py for each target):
--   BENCH_METHOD        GET (default) or POST
--   BENCH_BODY_FILE     a file whose bytes are sent as the body of every request
--   BENCH_CONTENT_TYPE  the body's Content-Type
--   BENCH_CHECK         "1": count every response that is not 2xx (wrk itself
--                       counts only 4xx/5xx, and a redirect to the login page
--                       must count as a failure); off for the ceiling, whose
--                       throughput a Lua hook per response would lower
--   BENCH_PATHS_FILE    a file of paths, one a line: each request takes the next
--                       one (from the first, again from the first after the
--                       last), e.g. tiles that must not be cached yet
-- Headers (Authorization, Cookie) are given to wrk with -H.
-- done() prints one line "BENCH {json}" that run.py parses; latencies in µs.

local method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE") or ""
local content_type = os.getenv("BENCH_CONTENT_TYPE") or ""
local check = os.getenv("BENCH_CHECK") == "1"
local paths_file = os.getenv("BENCH_PATHS_FILE") or ""

wrk.method = method
if body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
end
if content_type ~= "" then
  wrk.headers["Content-Type"] = content_type
end

if paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  local next_path = 0
  function request()
    next_path = next_path % #paths + 1
    return wrk.format(nil, paths[next_path])
  end
end

local threads = {}

function setup(thread)
  thread:set("non_2xx", 0)
  table.insert(threads, thread)
end

if check then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non_2xx = non_2xx + 1
    end
  end
end

function done(summary, latency, requests)
  local non_2xx_total = 0
  for _, thread in ipairs(threads) do
    non_2xx_total = non_2xx_total + (thread:get("non_2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"checked":%s,"non_2xx":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p75_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, tostring(check), non_2xx_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
