import type { Metric, Registry } from 'prom-client';
import { LATENCY_BUCKETS } from './metrics.js';

interface Count {
  labels: Record<string, string>;
  value: number;
}

interface Latency {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

type Series = { metricName?: string; labels: Record<string, string | number>; value: number };

/**
 * Counts and times every request in plain numbers, turned into Prometheus series only when
 * /metrics is read. prom-client hashes the label set on every observation, which cost a
 * cache-hit view about 5 µs of its ~25 µs (measured with wrk, the view's throughput rose from
 * 35 k/s to 42 k/s without it); this keeps the same two metrics without that cost.
 */
export class RequestMetrics {
  private readonly counts = new Map<string, Count>();
  private readonly latencies = new Map<string, Latency>();

  record(route: string, method: string, status: number, outcome: string, seconds: number): void {
    const countKey = `${route} ${method} ${status}`;
    let count = this.counts.get(countKey);
    if (count === undefined) {
      count = { labels: { route, method, status: String(status) }, value: 0 };
      this.counts.set(countKey, count);
    }
    count.value++;
    const latencyKey = `${route} ${outcome}`;
    let latency = this.latencies.get(latencyKey);
    if (latency === undefined) {
      latency = { labels: { route, outcome }, buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      this.latencies.set(latencyKey, latency);
    }
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[bucket] ?? Number.POSITIVE_INFINITY)) bucket++;
    latency.buckets[bucket] = (latency.buckets[bucket] ?? 0) + 1;
    latency.sum += seconds;
    latency.count++;
  }

  /** Adds shop_http_requests_total and shop_http_request_duration_seconds to `registry`. */
  register(registry: Registry): void {
    registry.registerMetric(this.metric('shop_http_requests_total', 'Requests by route, method and status', 'counter', () => this.countSeries()));
    registry.registerMetric(this.metric('shop_http_request_duration_seconds', 'Request latency by route and outcome', 'histogram', () => this.latencySeries()));
  }

  private countSeries(): Series[] {
    return [...this.counts.values()].map((c) => ({ labels: c.labels, value: c.value }));
  }

  private latencySeries(): Series[] {
    return [...this.latencies.values()].flatMap((l) => {
      let cumulative = 0;
      const buckets = l.buckets.map((n, i) => {
        cumulative += n;
        return { metricName: 'shop_http_request_duration_seconds_bucket', labels: { ...l.labels, le: i < LATENCY_BUCKETS.length ? (LATENCY_BUCKETS[i] ?? 0) : '+Inf' }, value: cumulative };
      });
      return [
        ...buckets,
        { metricName: 'shop_http_request_duration_seconds_sum', labels: l.labels, value: l.sum },
        { metricName: 'shop_http_request_duration_seconds_count', labels: l.labels, value: l.count },
      ];
    });
  }

  /** The shape prom-client's registry reads from a metric: name, help, type and its values. */
  private metric(name: string, help: string, type: 'counter' | 'histogram', values: () => Series[]): Metric {
    const metric = { name, help, type, aggregator: 'sum', get: () => ({ name, help, type, aggregator: 'sum', values: values() }), reset: () => {} };
    return metric as unknown as Metric;
  }
}
