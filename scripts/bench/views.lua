-- wrk script: prints one JSON line with non-2xx count and latency percentiles (ms).
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"non2xx":%d,"errors":%d,"p50":%.3f,"p99":%.3f,"seconds":%.3f}\n',
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
