-- SPDX-License-Identifier: GPL-3.0-or-later
-- The request mix of bench/pg_bench.sh: KEEL_BENCH_WRITE_PCT percent unit
-- creations (5: read-heavy, 50: write-heavy), the rest reads over list
-- and detail routes, as an admin's API token.
local token = os.getenv("KEEL_BENCH_TOKEN")
local reads = {
  "/api/v1/units", "/api/v1/people?limit=50", "/api/v1/initiatives", "/api/v1/initiatives/3",
  "/api/v1/kpis", "/api/v1/objectives", "/api/v1/pools", "/api/v1/people/5", "/api/v1/units/2",
  "/api/v1/kpis/4/values",
}
local n, id = 0, 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
local write_pct = tonumber(os.getenv("KEEL_BENCH_WRITE_PCT") or "5")
local seed = tonumber(os.getenv("KEEL_BENCH_SEED") or "0")
init = function(args) math.randomseed(os.time() + (tid or 0) * 7919 + seed * 104729) end
request = function()
  n = n + 1
  local h = { ["Authorization"] = "Bearer " .. token }
  if math.random(100) <= write_pct then
    h["Content-Type"] = "application/json"
    local body = string.format('{"name":"bench-%d-%d-%d-%d","kind":"department"}', seed, tid or 0, n, math.random(1e9))
    return wrk.format("POST", "/api/v1/units", h, body)
  end
  return wrk.format("GET", reads[math.random(#reads)], h)
end
