-- POST /api/lead with a new email on every request (so every request is a new lead, not a
-- dedup update), cycling over the labelled lead messages of tests/fixtures (in `leads`, which
-- the harness writes above this script), with the client's key in x-api-key.
local key = os.getenv("BENCH_API_KEY")
local run = os.getenv("BENCH_RUN_TAG")
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = key}
local counter = 0

function request()
  counter = counter + 1
  local lead = leads[counter % #leads + 1]
  local body = string.format('{"name": %s, "email": "sender-%s-%d-%d@bench-roofing.ca", "message": %s}',
                             lead[1], run, thread_index, counter, lead[2])
  return wrk.format("POST", "/api/lead", headers, body)
end
