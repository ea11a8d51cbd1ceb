-- wrk script for bench/run.py: prints one machine-readable line at the end with the
-- real p50/p95/p99 latencies (microseconds), the request count and duration, the
-- non-2xx and 5xx response counts and the socket errors.
--
-- Each wrk thread has its own Lua state: response() counts in the thread's globals,
-- done() (in the main state) adds them up through the threads kept by setup().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  status5xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  if status >= 500 then
    status5xx = status5xx + 1
  end
end

function done(summary, latency, requests)
  local total_non2xx, total_5xx = 0, 0
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + thread:get("non2xx")
    total_5xx = total_5xx + thread:get("status5xx")
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%.1f p95_us=%.1f p99_us=%.1f"
      .. " non2xx=%d status5xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    total_non2xx, total_5xx,
    errors.connect, errors.read, errors.write, errors.timeout
  ))
end
