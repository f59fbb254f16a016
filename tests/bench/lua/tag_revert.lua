-- Tag and revert on distinct leads: request n goes to lead n mod N (the harness writes the N
-- lead ids in `lead_ids` above this script; N is far above the number of connections, so no two
-- requests in flight share a lead), and each lead walks Follow-Up -> Converted -> revert -> ...
-- so every request is a real change (tag, conversion with its growth event, reversion).
local key = os.getenv("BENCH_API_KEY")
local headers = {["Content-Type"] = "application/json", ["x-api-key"] = key}
local counter = 0

function request()
  local n = #lead_ids
  local lead = lead_ids[counter % n + 1]
  local step = math.floor(counter / n) % 3
  counter = counter + 1
  if step == 0 then
    return wrk.format("POST", "/api/leads/" .. lead .. "/tag", headers, '{"tag": "Follow-Up"}')
  elseif step == 1 then
    return wrk.format("POST", "/api/leads/" .. lead .. "/tag", headers,
                      '{"tag": "Converted", "conversion_value": 4500.0}')
  end
  return wrk.format("POST", "/api/leads/" .. lead .. "/revert", headers,
                    '{"reason": "Customer cancelled the contract after signing."}')
end
