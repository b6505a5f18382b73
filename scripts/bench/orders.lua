-- wrk script: POST /orders with a fresh Idempotency-Key per request.
-- Arguments after "--": strategy, product id, run id. Prints one JSON line with the counts.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  strategy = args[1]
  product = args[2]
  run = args[3]
  counter = 0
  created = 0
  other = 0
  body = string.format('{"productId":%s,"quantity":1,"userId":"bench"}', product)
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, tid, counter),
    ["X-Purchase-Strategy"] = strategy,
  }
  return wrk.format("POST", "/orders", headers, body)
end

function response(status)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    o = o + thread:get("other")
  end
  io.write(string.format('{"created":%d,"other":%d,"errors":%d,"p50":%.3f,"p99":%.3f,"seconds":%.3f}\n',
    c, o, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
