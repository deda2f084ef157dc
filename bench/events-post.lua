-- wrk script of bench/events.sh: registrations through the API, POST
-- /api/v1/registrations {event_id, contact_id, organisation_id}, each line of
-- BENCH_PAIRS ("event contact organisation") used once: thread k of
-- BENCH_THREADS takes the lines k, k+T, k+2T… (no two requests register the
-- same person to the same event). The bearer token comes from -H.
-- Counts responses by status; done() prints the BENCH line of bench/wrk.lua and
--   BENCHSTATUS 201=… 422=… other=… wrapped=…
-- where wrapped counts requests sent after a thread ran out of lines (they
-- repeat a registration and are refused: the run needs more lines).
local pairs_file = os.getenv("BENCH_PAIRS")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local requests = {}
local n, i = 0, 0
local threads = {}
local threads_seen = 0
c201, c422, cother, wrapped = 0, 0, 0, 0

function setup(thread)
  thread:set("thread_index", threads_seen)
  threads_seen = threads_seen + 1
  table.insert(threads, thread)
end

function init(args)
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["Content-Type"] = "application/json"
  local line_no = 0
  for line in io.lines(pairs_file) do
    if line ~= "" then
      if line_no % nthreads == (thread_index or 0) then
        local e, c, o = line:match("^(%d+)%s+(%d+)%s+(%d+)")
        local body = string.format('{"event_id":%s,"contact_id":%s,"organisation_id":%s}', e, c, o)
        requests[#requests + 1] = wrk.format("POST", "/api/v1/registrations", headers, body)
      end
      line_no = line_no + 1
    end
  end
  n = #requests
  if n == 0 then error("BENCH_PAIRS: no line for this thread in " .. pairs_file) end
end

function request()
  i = i + 1
  if i > n then i = 1; wrapped = wrapped + 1 end
  return requests[i]
end

function response(status, headers, body)
  if status == 201 then c201 = c201 + 1
  elseif status == 422 then c422 = c422 + 1
  else cother = cother + 1 end
end

function done(summary, latency, req)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    summary.requests / seconds, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
  local a, b, c, d = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + (t:get("c201") or 0); b = b + (t:get("c422") or 0)
    c = c + (t:get("cother") or 0); d = d + (t:get("wrapped") or 0)
  end
  io.write(string.format("BENCHSTATUS 201=%d 422=%d other=%d wrapped=%d\n", a, b, c, d))
end
