-- The do-nothing function gets the same kind of request as lead intake: a small JSON POST.
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = "none"}
local counter = 0

function request()
  counter = counter + 1
  local body = string.format('{"name": "Olivia Park", "email": "sender-%d@bench-roofing.ca", ' ..
                             '"message": "Hi, I would like a quote for a bathroom remodel."}', counter)
  return wrk.format("POST", "/api/lead", headers, body)
end
