-- wrk script of bench/run.sh.
--
-- Always: at the end, one machine-readable line
--   BENCH requests=… duration_us=… bytes=… connect=… read=… write=… status=… timeout=… rps=… p50_us=… p90_us=… p99_us=… max_us=…
-- where status counts responses with a status ≥ 400 (wrk's "Non-2xx or 3xx");
-- bench/run.sh catches 3xx (a redirect to /login) from the bytes per response.
--
-- With BENCH_PATHS=FILE (one path per line): every request takes the next path
-- of the list, each thread starting at its own place. The requests are built
-- once in init(), with the -H headers, so a request costs a table lookup.
-- Without it, no request() function is defined and wrk sends one fixed
-- request (its fastest mode), as for every target that has a single URL.

local paths_file = os.getenv("BENCH_PATHS")

if paths_file and paths_file ~= "" then
  local requests = {}
  local n = 0
  local i = 0
  local threads_seen = 0

  -- Runs in the main state, once per thread before it starts.
  function setup(thread)
    thread:set("thread_index", threads_seen)
    threads_seen = threads_seen + 1
  end

  function init(args)
    for line in io.lines(paths_file) do
      if line ~= "" then
        requests[#requests + 1] = wrk.format(nil, line)
      end
    end
    n = #requests
    if n == 0 then
      error("BENCH_PATHS: no path in " .. paths_file)
    end
    i = ((thread_index or 0) * 7919) % n
  end

  function request()
    i = i + 1
    if i > n then i = 1 end
    return requests[i]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    summary.requests / seconds, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
