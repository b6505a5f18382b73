import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { nodesOfKind } from '../topology/model.js';
import type { RunningTopology } from '../running/running-topology.js';
import type { FailoverMonitor } from './monitor.js';
import { failoverRecord, PromotionRefused } from './promote.js';

const switchoverBody = z.strictObject({ to: z.string().min(1).optional() });
const MAX_BODY = 4096;

/**
 * The monitor's HTTP face, on its node's port: `GET /healthz`, `GET /state` (the record and the
 * monitor's view: clients/monitor.ts reads it), `POST /switchover {to?}` (shopctl failover).
 */
export function startMonitorServer(monitor: FailoverMonitor, running: RunningTopology, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    void route(request, response, monitor, running).catch((error: unknown) => send(response, 500, { error: 'internal', message: String(error) }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function route(request: IncomingMessage, response: ServerResponse, monitor: FailoverMonitor, running: RunningTopology): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://monitor').pathname;
  if (request.method === 'GET' && path === '/healthz') return send(response, 200, { ok: true });
  if (request.method === 'GET' && path === '/state') return send(response, 200, { ...monitor.view(), record: failoverRecord(running) });
  if (request.method === 'POST' && path === '/switchover') return switchover(request, response, monitor, running);
  return send(response, 404, { error: 'not_found', message: `${request.method} ${path}` });
}

async function switchover(request: IncomingMessage, response: ServerResponse, monitor: FailoverMonitor, running: RunningTopology): Promise<void> {
  const parsed = switchoverBody.safeParse(await readJson(request).catch(() => undefined));
  if (!parsed.success) return send(response, 400, { error: 'invalid_input', message: 'expected {"to"?: "<mysql node>"}' });
  const to = parsed.data.to === undefined ? undefined : nodesOfKind(running.topology, 'mysql').find((n) => n.name === parsed.data.to);
  if (parsed.data.to !== undefined && to === undefined) return send(response, 400, { error: 'invalid_input', message: `${parsed.data.to} is not a mysql node` });
  try {
    const promotion = await monitor.switchover(to);
    return send(response, 200, { promotion });
  } catch (error) {
    const details = error instanceof PromotionRefused ? error.details : [];
    return send(response, 409, { error: 'refused', message: error instanceof Error ? error.message : String(error), details });
  }
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) request.destroy(new Error('body too large'));
    });
    request.on('end', () => {
      try {
        resolve(body === '' ? {} : JSON.parse(body));
      } catch (error) {
        reject(error as Error);
      }
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
