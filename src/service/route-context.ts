import type { Registry } from 'prom-client';
import type { AdmissionGate } from './admission.js';
import type { WorkQueue } from './work-queue.js';
import type { PurchaseStrategy as StrategyName } from '../topology/schema.js';
import type { OrderRequest } from './orders/order-request.js';
import type { PurchaseAnswer } from './orders/purchases.js';
import type { ProductView } from './products.js';
import type { ReadinessReport } from './readiness.js';
import type { RequestTiming } from './server-timing.js';

/**
 * What the routes need from the rest of the service, and all they see of it. `startService`
 * wires the real parts (Redis, the databases); unit tests wire in-memory ones and drive
 * requests in-process, so the service's own input handling is tested without servers.
 */
export interface RouteContext {
  products: ProductLookup;
  purchases: PurchaseDesk;
  /** The bound on purchases in progress in this process: beyond it, 503 `overloaded` at once. */
  admission: Pick<AdmissionGate, 'admit' | 'checkWait' | 'budgetLeft' | 'refuseLate'>;
  /** The process's queue of work: how many requests do I/O at once, the rest wait in order. */
  work: Pick<WorkQueue, 'run'>;
  /** `GET /readyz`: whether the dependencies answer. */
  readiness(): Promise<ReadinessReport>;
  /** `GET /metrics`: the Prometheus text and its content type. */
  metrics: Pick<Registry, 'contentType' | 'metrics'>;
  /** The strategy of a purchase without `X-Purchase-Strategy`: the topology's `app.strategy`. */
  defaultStrategy: StrategyName;
  /** This app's name, sent as `X-Served-By` on every answer. */
  node: string;
  /** Whether answers carry Server-Timing (the topology's `app.serverTiming`). */
  serverTiming: boolean;
}

/** `GET /products/:id`. */
export interface ProductLookup {
  /** The answer from this app's memory, if it holds a fresh one: no I/O, no promise (the hot path). */
  cached(id: number): Buffer | undefined;
  /** The answer through the caches and the databases, its phases counted in `timing`; an unknown id throws `product_not_found`. */
  view(id: number, timing: RequestTiming): Promise<ProductView>;
}

/** `POST /orders` after validation. */
export interface PurchaseDesk {
  /** Decides the purchase, its phases counted in `timing`. */
  purchase(strategy: StrategyName, request: OrderRequest, timing: RequestTiming): Promise<PurchaseAnswer>;
}
