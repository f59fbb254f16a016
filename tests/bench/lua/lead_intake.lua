-- POST /api/lead, a new email each request, cycling over `leads` (written above by the harness); at the end
-- one line "BENCH-JSON {...}" (errors: failed connections, reads, writes, timeouts, answers not 2xx/3xx).
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = os.getenv("BENCH_API_KEY")}
local run, counter = os.getenv("BENCH_RUN_TAG"), 0

function request()
  counter = counter + 1
  local lead = leads[counter % #leads + 1]
  local body = string.format('{"name": %s, "email": "sender-%s-%d@bench-roofing.ca", "message": %s}',
                             lead[1], run, counter, lead[2])
  return wrk.format("POST", "/api/lead", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
