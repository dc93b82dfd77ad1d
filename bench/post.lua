-- wrk script: POSTs the JSON body in $BENCH_BODY to /graphql and prints latency percentiles and
-- failures as JSON. A response counts as failed when its status is not 200 or its body has
-- `"errors"` (counted per thread, summed in `done`).
local f = assert(io.open(os.getenv("BENCH_BODY"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

-- A global of each thread's own Lua state, read by `done` through `thread:get`.
failed = 0
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failed = failed + 1
  end
end

done = function(summary, latency, requests)
  local failed_responses = 0
  for _, thread in ipairs(threads) do
    failed_responses = failed_responses + (thread:get("failed") or 0)
  end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "socket_errors": %d, "non_2xx": %d, "failed_responses": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, failed_responses))
end
