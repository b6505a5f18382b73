import type { Route } from '../../bench/availability-ticks.js';
import type { RequestClass } from '../../bench/measurement.js';

/** What a metric is, and so which aggregates it has (thresholds/parse.ts checks the pair). */
export type MetricKind = 'latency' | 'ratio' | 'errors' | 'connections' | 'throughput' | 'availability' | 'recovery';

export interface MetricSpec {
  kind: MetricKind;
  /** Latency metrics: the request classes whose histograms are added together. */
  classes?: readonly RequestClass[];
  /** Availability and recovery metrics: the route (report `availability`, `faults`). */
  route?: Route;
  description: string;
}

const latency = (classes: readonly RequestClass[], description: string): MetricSpec => ({ kind: 'latency', classes, description });

/** Every metric a threshold may name; anything else is a usage error, never a silent pass. */
export const METRICS: Record<string, MetricSpec> = {
  view_hit: latency(['view_hit'], 'views answered from a cache, ms'),
  view_miss: latency(['view_miss'], 'views read from a database, ms'),
  view: latency(['view_hit', 'view_miss'], 'all views, ms'),
  purchase_ok: latency(['purchase_ok'], 'purchases answered 201, ms'),
  purchase_sold_out: latency(['purchase_sold_out'], 'purchases answered 409 sold_out, ms'),
  purchase: latency(['purchase_ok', 'purchase_sold_out'], 'purchases answered 201 or 409, ms'),
  error: latency(['error'], 'requests that failed, ms'),
  all: latency(['view_hit', 'view_miss', 'purchase_ok', 'purchase_sold_out', 'error', 'healthz'], 'every request, ms'),
  cache_hit_rate: { kind: 'ratio', description: "views answered from a cache over all views (the apps' counters), 0..1" },
  errors: { kind: 'errors', description: 'failed requests: rate (of all requests) or count' },
  db_connections: { kind: 'connections', description: "databases' peak connections: max (the busiest database) or sum (all)" },
  throughput: { kind: 'throughput', description: 'requests answered per second: rps' },
  availability_view: { kind: 'availability', route: 'view', description: 'views answered 200 over views sent, 0..1: rate (the measured window) or min (the worst fault window)' },
  availability_purchase: { kind: 'availability', route: 'purchase', description: 'purchases answered 201 or 409 sold_out over purchases sent, 0..1: rate (the measured window) or min (the worst fault window)' },
  recovery_view: { kind: 'recovery', route: 'view', description: "ms from a fault's heal to views answering again: max (to the first success, the slowest fault) or settled (to p99 back under its threshold)" },
  recovery_purchase: { kind: 'recovery', route: 'purchase', description: "ms from a fault's heal to purchases answering again: max (to the first success, the slowest fault) or settled (to p99 back under its threshold)" },
};

/** The aggregates each kind of metric has; '' is the metric's own value. */
export const AGGREGATES: Record<MetricKind, readonly string[]> = {
  latency: ['p', 'avg', 'med', 'min', 'max', 'count'],
  ratio: [''],
  errors: ['rate', 'count'],
  connections: ['max', 'sum'],
  throughput: ['rps'],
  availability: ['rate', 'min'],
  recovery: ['max', 'settled'],
};
