import type { IncomingMessage, ServerResponse } from 'node:http';
import { purchaseStrategies, type PurchaseStrategy as StrategyName } from '../topology/schema.js';
import { readJsonBody } from './body.js';
import { ServiceError } from './errors.js';
import { sendJson, sendJsonBytes } from './http.js';
import { parseOrderRequest } from './orders/order-request.js';
import { queuedMs, REQUEST_START_HEADER } from './queue-age.js';
import { QueueTimeout, type Lane } from './work-queue.js';
import type { RouteContext } from './route-context.js';
import type { RequestTiming } from './server-timing.js';

/**
 * What a handler reports for the metrics: the outcome label of its latency. A handler that can
 * answer at once (a near-cache hit) returns it directly, without a promise.
 */
type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], ctx: RouteContext, timing: RequestTiming) => string | Promise<string>;

export interface Route {
  name: string;
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const ROUTES: Route[] = [
  // The hottest route first: a cache-hit view is matched by the first pattern.
  {
    name: 'product',
    method: 'GET',
    pattern: /^\/products\/([^/]+)$/,
    handler: (req, res, [rawId], ctx, timing) => {
      const id = parseProductId(rawId ?? '');
      const looked = timing.enabled ? performance.now() : 0;
      const hot = ctx.products.cached(id);
      if (timing.enabled) timing.add('near', performance.now() - looked);
      if (hot !== undefined) {
        sendHit(res, hot, ctx.node, timing);
        return 'hit';
      }
      return whenAdmitted(req, ctx, 'view', timing, () => ctx.products.view(id, timing)).then(({ body, cache }) => {
        sendJsonBytes(res, 200, body, { 'x-cache': cache, 'x-served-by': ctx.node, ...timingHeader(timing) });
        return cache === 'HIT' ? 'hit' : 'miss';
      });
    },
  },
  {
    name: 'healthz',
    method: 'GET',
    pattern: /^\/healthz$/,
    handler: async (_req, res) => {
      sendJson(res, 200, { status: 'ok' });
      return 'ok';
    },
  },
  {
    name: 'readyz',
    method: 'GET',
    pattern: /^\/readyz$/,
    handler: async (_req, res, _params, ctx) => {
      const report = await ctx.readiness();
      sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
      return report.ready ? 'ready' : 'not_ready';
    },
  },
  {
    name: 'metrics',
    method: 'GET',
    pattern: /^\/metrics$/,
    handler: async (_req, res, _params, ctx) => {
      const text = await ctx.metrics.metrics();
      res.writeHead(200, { 'content-type': ctx.metrics.contentType });
      res.end(text);
      return 'ok';
    },
  },
  {
    name: 'orders',
    method: 'POST',
    pattern: /^\/orders$/,
    handler: async (req, res, _params, ctx, timing) => {
      const strategy = strategyOf(req, ctx.defaultStrategy);
      const request = parseOrderRequest(await readJsonBody(req), req.headers['idempotency-key']);
      // Admission after validation (a bad order is a 400 whatever the load) and before the
      // strategy: a refused purchase ran no statement. Its wait is judged once it has a place in
      // the work queue, the queue's wait included.
      const answer = await ctx.admission.admit(() => whenAdmitted(req, ctx, 'purchase', timing, () => ctx.purchases.purchase(strategy, request, timing)));
      const headers = timingHeader(timing);
      if (answer.replayed) headers['idempotent-replayed'] = 'true';
      sendJson(res, answer.status, answer.body, headers);
      return answer.replayed ? 'replayed' : 'ordered';
    },
  },
];

/**
 * Runs `work` once the request has a place in its lane of the work queue, unless it waited past
 * its lane's budget since nginx handed it on (`X-Request-Start`): on arrival, in the queue (it
 * then leaves the queue when the budget runs out), or by the time it has its place. Refused, it is
 * 503 overloaded and `work` never ran.
 */
async function whenAdmitted<T>(req: IncomingMessage, ctx: RouteContext, lane: Lane, timing: RequestTiming, work: () => Promise<T>): Promise<T> {
  const waited = () => queuedMs(req.headers[REQUEST_START_HEADER]);
  const arrived = waited();
  ctx.admission.checkWait(lane, arrived);
  try {
    return await ctx.work.run(
      lane,
      timing,
      () => {
        ctx.admission.checkWait(lane, waited());
        return work();
      },
      ctx.admission.budgetLeft(lane, arrived),
    );
  } catch (error) {
    if (error instanceof QueueTimeout) throw ctx.admission.refuseLate(lane, (arrived ?? 0) + error.waitedMs);
    throw error;
  }
}

/** Ids are positive integers small enough to be exact in JavaScript. */
export function parseProductId(raw: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(raw)) throw new ServiceError('invalid_product_id', `product id must be a positive integer, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

/**
 * `X-Purchase-Strategy` picks the strategy for one request (so one topology can compare them);
 * without it the topology's `app.strategy` applies.
 */
function strategyOf(req: IncomingMessage, fallback: StrategyName): StrategyName {
  const asked = req.headers['x-purchase-strategy'];
  if (asked === undefined) return fallback;
  const name = purchaseStrategies.find((s) => s === asked);
  if (name === undefined) throw new ServiceError('invalid_request', `X-Purchase-Strategy: expected one of ${purchaseStrategies.join(', ')}`);
  return name;
}

/**
 * The hottest answer of all, a near-cache hit, with its headers as one flat list: Node writes
 * it without merging header objects.
 */
function sendHit(res: ServerResponse, body: Buffer, node: string, timing: RequestTiming): void {
  const headers = ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length), 'x-cache', 'HIT', 'x-served-by', node];
  if (timing.enabled) headers.push('server-timing', timing.header());
  res.writeHead(200, headers);
  res.end(body);
}


/** `Server-Timing`, written last so it covers the whole answer but its sending; none when disabled. */
function timingHeader(timing: RequestTiming): Record<string, string> {
  return timing.enabled ? { 'server-timing': timing.header() } : {};
}

/** The route for a request and the parameters its pattern captured; unknown paths and methods throw. */
export function matchRoute(req: IncomingMessage): { route: Route; params: string[] } {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  let pathKnown = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    if (route.method === req.method) return { route, params: match.slice(1) };
    pathKnown = true;
  }
  if (pathKnown) throw new ServiceError('method_not_allowed', `${req.method ?? '?'} is not allowed on ${path.slice(0, 100)}`);
  throw new ServiceError('not_found', `no route for ${path.slice(0, 100)}`);
}
