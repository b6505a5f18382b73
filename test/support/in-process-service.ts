import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import type { PurchaseStrategy as StrategyName } from '../../src/topology/schema.js';
import { WorkQueue } from '../../src/service/work-queue.js';
import { AdmissionGate } from '../../src/service/admission.js';
import { ServiceError } from '../../src/service/errors.js';
import { countAdmission } from '../../src/service/metrics.js';
import type { OrderRequest } from '../../src/service/orders/order-request.js';
import { RequestMetrics } from '../../src/service/request-metrics.js';
import type { RouteContext } from '../../src/service/route-context.js';
import { createServiceServer } from '../../src/service/server.js';

export interface InjectedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The service's own server (parser, handler, routes, error answers) over in-memory parts. */
export interface InProcessService {
  /** One request, answered without a socket. */
  inject(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<InjectedResponse>;
  /** Every purchase that got past validation, in order. */
  purchases: { strategy: StrategyName; request: OrderRequest }[];
}

export interface InProcessOptions {
  /** The admission bound (default 800, the service config's). */
  maxPurchasesInFlight?: number;
  /** Requests doing I/O at once (app.concurrency). */
  concurrency?: number;
  /** Purchases that got past admission wait for this before they are answered. */
  holdPurchases?: Promise<void>;
  /** Server-Timing on the answers (default true, as the topology's). */
  serverTiming?: boolean;
}

/**
 * Test support: the service's HTTP server built with in-memory stand-ins for what its routes
 * need (a catalog of `products`, remembered once viewed; a purchase desk that records and
 * answers 201; ready dependencies), driven as fastify's `inject` does. What is checked is the service's own input
 * handling, not the stand-ins.
 */
export function inProcessService(products: readonly number[] = [], options: InProcessOptions = {}): InProcessService {
  const purchases: InProcessService['purchases'] = [];
  const registry = new Registry();
  const timing = new RequestMetrics();
  timing.register(registry);
  // A product viewed once is answered from memory afterwards, as the near cache does.
  const viewed = new Map<number, Buffer>();
  const admission = new AdmissionGate(options.maxPurchasesInFlight ?? 800);
  const work = new WorkQueue(options.concurrency ?? 256);
  countAdmission(registry, admission, work);
  const ctx: RouteContext = {
    products: {
      cached: (id) => viewed.get(id),
      view: async (id, spent) => {
        await spent.time('redis', sleep(2));
        if (!products.includes(id)) throw new ServiceError('product_not_found', `no product with id ${id}`);
        const body = Buffer.from(JSON.stringify({ id, name: `product ${id}`, priceCents: 100, stock: 10, version: 0 }));
        viewed.set(id, body);
        return { body, cache: 'MISS' };
      },
    },
    purchases: {
      purchase: async (strategy, order, spent) => {
        purchases.push({ strategy, request: order });
        await spent.time('tx', options.holdPurchases ?? sleep(1));
        return { status: 201, body: { orderId: purchases.length, productId: order.productId, quantity: order.quantity }, replayed: false };
      },
    },
    admission,
    work,
    readiness: async () => ({ ready: true, checks: { redis: 'ok', primary: 'ok', replica: 'ok' } }),
    metrics: registry,
    defaultStrategy: 'atomic',
    node: 'app-test',
    serverTiming: options.serverTiming ?? true,
  };
  const server = createServiceServer(ctx, timing);
  return { inject: (method, path, headers = {}, body) => inject(server, method, path, headers, body), purchases };
}

/**
 * Sends one request to `server` through an in-memory stream pair instead of a socket: Node's
 * own HTTP client and server parse both ends (as `server.emit('connection', stream)` allows).
 */
export function inject(server: Server, method: string, path: string, headers: Record<string, string>, body?: string): Promise<InjectedResponse> {
  const [client, served] = streamPair();
  server.emit('connection', served);
  return new Promise((resolve, reject) => {
    const sent = request({ method, path, headers, createConnection: () => client }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

/** Two connected duplex ends: what one writes, the other reads (Node 20 has no `duplexPair`). */
function streamPair(): [Duplex, Duplex & { destroySoon(): void }] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        other().push(chunk);
        done();
      },
      final(done) {
        other().push(null);
        done();
      },
      destroy(error, done) {
        if (!other().readableEnded) other().push(null);
        done(error);
      },
    });
  ends.push(end(() => ends[1] as Duplex), end(() => ends[0] as Duplex));
  // The service closes a connection whose refused body it did not read, as net.Socket does.
  const served = Object.assign(ends[1] as Duplex, {
    destroySoon(this: Duplex) {
      if (this.writable) this.end();
      if (this.writableFinished) this.destroy();
      else this.once('finish', () => this.destroy());
    },
  });
  return [ends[0] as Duplex, served];
}
