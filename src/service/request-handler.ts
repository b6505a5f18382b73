import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';
import { sendError } from './http.js';
import type { IncidentLog } from './incident-log.js';
import type { RequestMetrics } from './request-metrics.js';
import type { RouteContext } from './route-context.js';
import { matchRoute } from './routes.js';
import { RequestTiming } from './server-timing.js';

/**
 * The service's request handler: routes each request with `ctx`, records it in `timing`, and
 * logs a refusal (503) or an internal error in `incidents`.
 */
export function createRequestHandler(ctx: RouteContext, timing: RequestMetrics, incidents: IncidentLog): RequestListener {
  return (req, res) => handle(req, res, { ctx, timing, incidents });
}

interface Handling {
  ctx: RouteContext;
  timing: RequestMetrics;
  incidents: IncidentLog;
}

/**
 * Routes one request and records it. A handler that answers at once (a near-cache hit) is not
 * wrapped in a promise: the hot path stays synchronous.
 */
function handle(req: IncomingMessage, res: ServerResponse, handling: Handling): void {
  const { ctx, timing } = handling;
  const spent = new RequestTiming(ctx.serverTiming);
  let name = 'unknown';
  try {
    const { route, params } = matchRoute(req);
    name = route.name;
    // Every answer names its app; the product route writes the header itself (its hot path
    // sends all headers in one list).
    if (name !== 'product') res.setHeader('x-served-by', ctx.node);
    const outcome = route.handler(req, res, params, ctx, spent);
    if (typeof outcome === 'string') {
      timing.record(name, req.method ?? '?', res.statusCode, outcome, spent.elapsedMs() / 1000);
      return;
    }
    outcome.then(
      (settled) => timing.record(name, req.method ?? '?', res.statusCode, settled, spent.elapsedMs() / 1000),
      (error: unknown) => fail(req, res, handling, name, spent, error),
    );
  } catch (error) {
    fail(req, res, handling, name, spent, error);
  }
}

function fail(req: IncomingMessage, res: ServerResponse, { ctx, timing, incidents }: Handling, name: string, spent: RequestTiming, error: unknown): void {
  incidents.requestFailed(name, error);
  if (!res.headersSent) {
    res.setHeader('x-served-by', ctx.node);
    if (spent.enabled) res.setHeader('server-timing', spent.header());
  }
  sendError(res, error);
  timing.record(name, req.method ?? '?', res.statusCode, error instanceof ServiceError ? error.code : 'internal', spent.elapsedMs() / 1000);
  // The rest of a refused body is not read: close the connection rather than parse it as a request.
  if (!req.complete) res.once('finish', () => req.socket.destroySoon());
}
