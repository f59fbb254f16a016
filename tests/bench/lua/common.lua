-- Appended to every wrk script: when the run ends, one line "BENCH-JSON {...}" with the figures the
-- harness reads (errors: failed connections, reads, writes, timeouts, answers other than 2xx/3xx).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
