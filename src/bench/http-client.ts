import { Client, type Dispatcher } from 'undici';
import type { BenchRequest } from './workload.js';

/** What came back for one request, as little as the classifier and the ledger need. */
export interface Answer {
  status: number;
  xCache: string | undefined;
  /** Only purchases keep their body (the order id, the sold-out code). */
  body: string;
}

export interface ClientOptions {
  timeoutMs: number;
  /** Purchase strategy asked of the service, or undefined for the topology's own. */
  strategy: string | undefined;
}

/**
 * One keep-alive connection to the target. undici's Client is used directly (not its Pool):
 * a Pool scans its clients for a free one on every request, which at thousands of connections
 * per worker costs more than the request; each executor keeps its own free list instead.
 */
export function openClient(origin: string, options: ClientOptions): Client {
  return new Client(origin, {
    pipelining: 1,
    connectTimeout: options.timeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
  });
}

type Done = (error: Error | null, answer: Answer | null) => void;

/**
 * Sends one request with undici's handler interface: no promise, no stream per request, which
 * keeps the generator's cost per request small next to the service it measures.
 */
export function send(client: Client, request: BenchRequest, options: ClientOptions, done: Done): void {
  client.dispatch(dispatchOptions(request, options), new AnswerHandler(request.kind === 'purchase', done));
}

function dispatchOptions(request: BenchRequest, options: ClientOptions): Dispatcher.DispatchOptions {
  switch (request.kind) {
    case 'healthz':
      return { method: 'GET', path: '/healthz' };
    case 'view':
      return { method: 'GET', path: `/products/${request.productId}` };
    case 'purchase': {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': request.key };
      if (options.strategy !== undefined) headers['x-purchase-strategy'] = options.strategy;
      const body = `{"productId":${request.productId},"quantity":${request.quantity},"userId":"bench-${request.key}"}`;
      return { method: 'POST', path: '/orders', headers, body };
    }
  }
}

class AnswerHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private xCache: string | undefined;
  private chunks: Buffer[] = [];
  private settled = false;

  constructor(
    private readonly keepBody: boolean,
    private readonly done: Done,
  ) {}

  /** Defined so undici takes this for its current handler interface (it checks for this method). */
  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    const cache = headers['x-cache'];
    this.xCache = Array.isArray(cache) ? cache[0] : cache;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.keepBody) this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.chunks.length === 0 ? '' : Buffer.concat(this.chunks).toString('utf8');
    this.done(null, { status: this.status, xCache: this.xCache, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.done(error, null);
  }
}
