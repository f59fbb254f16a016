-- The do-nothing function gets the same kind of request as lead intake (a small JSON POST with
-- a key), so the two differ only in what the function does.
local key = os.getenv("BENCH_API_KEY") or "none"
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = key}
local counter = 0

function request()
  counter = counter + 1
  local body = string.format('{"name": "Olivia Park", "email": "sender-%d-%d@bench-roofing.ca", ' ..
                             '"message": "Hi, I would like a quote for a bathroom remodel."}', thread_index, counter)
  return wrk.format("POST", "/api/lead", headers, body)
end
