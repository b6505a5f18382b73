import { seededRandom } from '../seeded-random.js';
import type { Mix, Popularity } from '../scenario/schema.js';
import { productPicker } from './popularity.js';

export type BenchRequest =
  | { kind: 'view'; productId: number }
  | { kind: 'purchase'; productId: number; quantity: number; key: string }
  | { kind: 'healthz' };

/** What a worker needs to make requests; plain data, so it crosses into worker threads. */
export interface WorkloadSpec {
  /** `scenario` draws views and purchases; `calibrate` asks `GET /healthz` only. */
  kind: 'scenario' | 'calibrate';
  mix: Mix;
  popularity: Popularity;
  products: number;
  quantity: { min: number; max: number };
  seed: number;
  /** Unique to the run; every Idempotency-Key starts with it. */
  keyPrefix: string;
  /** `bench --agent I/N`: I, so that agents' workers of the same index draw different sequences (absent: 0). */
  agent?: number;
}

/**
 * The request sequence of one worker: seeded by the scenario's seed and the worker's index, so
 * a run is repeatable, and keys `<prefix>-<worker>-<n>` are unique across workers and runs.
 */
export function workload(spec: WorkloadSpec, worker: number): () => BenchRequest {
  if (spec.kind === 'calibrate') return () => ({ kind: 'healthz' });
  // Agent 0 (and a bench without agents) keeps the sequence runs have always drawn.
  const random = seededRandom((spec.seed ^ Math.imul(worker + 1, 0x9e3779b1) ^ Math.imul(spec.agent ?? 0, 0x85ebca6b)) >>> 0);
  const pick = productPicker(spec.popularity, spec.products);
  const { min, max } = spec.quantity;
  let purchases = 0;
  return () => {
    const productId = pick(random);
    if (random() >= spec.mix.purchase) return { kind: 'view', productId };
    const quantity = min + Math.floor(random() * (max - min + 1));
    purchases += 1;
    return { kind: 'purchase', productId, quantity, key: `${spec.keyPrefix}-${worker}-${purchases}` };
  };
}
