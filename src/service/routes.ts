import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dependencies } from './dependencies.js';
import { ServiceError } from './errors.js';
import { sendJson } from './http.js';
import type { ProductViews } from './products.js';
import { readiness } from './readiness.js';

export interface RouteContext {
  deps: Dependencies;
  views: ProductViews;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], ctx: RouteContext) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/healthz$/, handler: async (_req, res) => sendJson(res, 200, { status: 'ok' }) },
  {
    method: 'GET',
    pattern: /^\/readyz$/,
    handler: async (_req, res, _params, ctx) => {
      const report = await readiness(ctx.deps);
      sendJson(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
    },
  },
  {
    method: 'GET',
    pattern: /^\/products\/([^/]+)$/,
    handler: async (_req, res, [rawId], ctx) => {
      const { product, cache } = await ctx.views.view(parseProductId(rawId ?? ''));
      sendJson(res, 200, product, { 'x-cache': cache });
    },
  },
];

/** Ids are positive integers small enough to be exact in JavaScript. */
export function parseProductId(raw: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(raw)) throw new ServiceError('invalid_product_id', `product id must be a positive integer, got "${raw.slice(0, 40)}"`);
  return Number(raw);
}

export async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const matches = ROUTES.filter((r) => r.pattern.test(path));
  if (matches.length === 0) throw new ServiceError('not_found', `no route for ${path.slice(0, 100)}`);
  const match = matches.find((r) => r.method === req.method);
  if (match === undefined) throw new ServiceError('method_not_allowed', `${req.method ?? '?'} is not allowed on ${path}`);
  const params = match.pattern.exec(path)?.slice(1) ?? [];
  await match.handler(req, res, params, ctx);
}
