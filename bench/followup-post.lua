-- wrk script of bench/followup.sh: POST of the quick contact form of a participant's
-- file (/participants/{id}/contacts), rotating over BENCH_IDS (one participant id a
-- line), with the session's CSRF token BENCH_CSRF and the Paris wall-clock time
-- BENCH_AT ("YYYY-MM-DDTHH:MM"); the session cookie comes from -H.
-- Counts responses by status; done() prints the BENCH line of bench/wrk.lua and
--   BENCHSTATUS 303=… 403=… 422=… other=…
local ids_file = os.getenv("BENCH_IDS")
local csrf = os.getenv("BENCH_CSRF") or ""
local at = (os.getenv("BENCH_AT") or ""):gsub(":", "%%3A")
local requests = {}
local n, i = 0, 0
local threads = {}
local threads_seen = 0
c303, c403, c422, cother = 0, 0, 0, 0

function setup(thread)
  thread:set("thread_index", threads_seen)
  threads_seen = threads_seen + 1
  table.insert(threads, thread)
end

function init(args)
  local body = "_csrf=" .. csrf .. "&outcome=reached&channel=phone&at=" .. at ..
               "&level=1&notes=Mesure+de+charge&return="
  for line in io.lines(ids_file) do
    if line ~= "" then
      -- wrk.format uses the headers given instead of wrk.headers (-H, Host): merged here.
      local headers = {}
      for k, v in pairs(wrk.headers) do headers[k] = v end
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      requests[#requests + 1] = wrk.format("POST", "/participants/" .. line .. "/contacts", headers, body)
    end
  end
  n = #requests
  i = ((thread_index or 0) * 7919) % n
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return requests[i]
end

function response(status, headers, body)
  if status == 303 then c303 = c303 + 1
  elseif status == 403 then c403 = c403 + 1
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
    a = a + (t:get("c303") or 0); b = b + (t:get("c403") or 0)
    c = c + (t:get("c422") or 0); d = d + (t:get("cother") or 0)
  end
  io.write(string.format("BENCHSTATUS 303=%d 403=%d 422=%d other=%d\n", a, b, c, d))
end
