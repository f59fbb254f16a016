-- POST /api/lead, a new email every request (a new lead each time), cycling over the labelled
-- messages of tests/fixtures (`leads`, written above this script by the harness).
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = os.getenv("BENCH_API_KEY")}
local run, counter = os.getenv("BENCH_RUN_TAG"), 0

function request()
  counter = counter + 1
  local lead = leads[counter % #leads + 1]
  local body = string.format('{"name": %s, "email": "sender-%s-%d@bench-roofing.ca", "message": %s}',
                             lead[1], run, counter, lead[2])
  return wrk.format("POST", "/api/lead", headers, body)
end
