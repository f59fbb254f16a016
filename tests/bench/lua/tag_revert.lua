-- Request n goes to lead n mod N (`lead_ids`, written above this script; N far above the senders,
-- so no two requests in flight share a lead); each lead walks Follow-Up -> Converted -> revert.
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = os.getenv("BENCH_API_KEY")}
local counter = 0

function request()
  local lead, step = lead_ids[counter % #lead_ids + 1], math.floor(counter / #lead_ids) % 3
  counter = counter + 1
  if step == 0 then
    return wrk.format("POST", "/api/leads/" .. lead .. "/tag", headers, '{"tag": "Follow-Up"}')
  elseif step == 1 then
    return wrk.format("POST", "/api/leads/" .. lead .. "/tag", headers,
                      '{"tag": "Converted", "conversion_value": 4500.0}')
  end
  return wrk.format("POST", "/api/leads/" .. lead .. "/revert", headers, '{"reason": "Customer cancelled."}')
end
