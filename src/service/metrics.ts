import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdmissionGate } from './admission.js';
import { LANES, type Lane, type WorkQueue } from './work-queue.js';

/** Latency buckets in seconds, fine below 10 ms where the cache-hit target lives. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

/**
 * The service's Prometheus metrics (`GET /metrics`), one registry per service instance. The
 * per-request ones (shop_http_requests_total, shop_http_request_duration_seconds) live in
 * request-metrics.ts, kept off prom-client's per-observation cost.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shop_process_' });
  const registers = [registry];
  // Counted in plain numbers on the view hot path, handed to prom-client when /metrics is read.
  const views = { hit: 0, miss: 0 };
  return {
    registry,
    views,
    cache: new Counter({
      name: 'shop_cache_requests_total',
      help: 'Product views answered from a cache (hit: the app\'s near cache or Redis) or a database (miss)',
      labelNames: ['result'] as const,
      registers,
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, views.hit);
        this.inc({ result: 'miss' }, views.miss);
      },
    }),
    viewLoads: new Counter({ name: 'shop_view_loads_total', help: 'Product rows read from a database to fill the cache, by database', labelNames: ['database'] as const, registers }),
    purchases: new Counter({ name: 'shop_purchases_total', help: 'Purchase answers by strategy and outcome', labelNames: ['strategy', 'outcome'] as const, registers }),
    lockWait: new Histogram({ name: 'shop_lock_wait_seconds', help: 'Time the seed strategy waited for a product lock', buckets: LATENCY_BUCKETS, registers }),
    lockTimeouts: new Counter({ name: 'shop_lock_timeouts_total', help: 'Product locks not granted within the bounded wait', registers }),
    poolInUse: new Gauge({ name: 'shop_db_pool_connections_in_use', help: 'Database connections held by requests, per pool', labelNames: ['pool'] as const, registers }),
    poolWaitTimeouts: new Counter({ name: 'shop_db_pool_wait_timeouts_total', help: 'Requests that found no free database connection in time', labelNames: ['pool'] as const, registers }),
    batchSize: new Histogram({ name: 'shop_batch_size', help: 'Orders grouped into one transaction (batched strategy)', buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers }),
    eventsPublished: new Counter({ name: 'shop_events_published_total', help: 'order.created events published', registers }),
    eventsPublishFailures: new Counter({ name: 'shop_events_publish_failures_total', help: 'order.created events that could not be published (at-most-once)', registers }),
    eventsReceived: new Counter({ name: 'shop_events_received_total', help: 'order.created events received by this app', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The admission gate's figures, read from it when /metrics is scraped (no cost per request). */
export function countAdmission(registry: Registry, gate: Pick<AdmissionGate, 'rejected' | 'late' | 'inFlight' | 'limit'>, work: Pick<WorkQueue, 'running' | 'waiting' | 'limit'>): void {
  const registers = [registry];
  new Counter({
    name: 'shop_admission_rejected_total',
    help: 'Purchases refused at admission with 503 overloaded (nothing sold for them)',
    registers,
    collect() {
      this.reset();
      this.inc(gate.rejected);
    },
  });
  new Counter({
    name: 'shop_admission_late_total',
    help: 'Requests refused with 503 overloaded for their wait before the app started on them (X-Request-Start), by route',
    labelNames: ['route'],
    registers,
    collect() {
      this.reset();
      this.labels('purchase').inc(gate.late.purchase);
      this.labels('view').inc(gate.late.view);
    },
  });
  new Gauge({ name: 'shop_purchases_in_flight', help: 'Purchases in progress in this process', registers, collect() { this.set(gate.inFlight); } });
  laneGauge(registers, 'shop_work_running', 'Requests of this process doing I/O now, by lane (at most app.concurrency each)', (lane) => work.running(lane));
  laneGauge(registers, 'shop_work_waiting', 'Requests of this process waiting in its work queue, by lane', (lane) => work.waiting(lane));
  // Limits are per process: the node's /metrics shows the largest, not a sum over its workers.
  new Gauge({ name: 'shop_work_limit', help: 'Requests of each lane of a process let do I/O at once (app.concurrency)', aggregator: 'max', registers, collect() { this.set(work.limit); } });
  new Gauge({ name: 'shop_purchases_in_flight_limit', help: 'Most purchases a process holds at once before admission refuses', aggregator: 'max', registers, collect() { this.set(gate.limit); } });
}

/** A gauge with one value per work-queue lane, read when /metrics is scraped. */
function laneGauge(registers: Registry[], name: string, help: string, read: (lane: Lane) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ['lane'],
    registers,
    collect() {
      for (const lane of LANES) this.labels(lane).set(read(lane));
    },
  });
}
