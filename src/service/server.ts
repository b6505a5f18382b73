import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { APP_LISTEN_BACKLOG, type ServiceConfig } from './config.js';
import { AdmissionGate } from './admission.js';
import { WorkQueue } from './work-queue.js';
import { NearCache } from './cache/near-cache.js';
import type { ListenerHandle } from './cluster/shared-listener.js';
import { connectDependencies, type Dependencies } from './dependencies.js';
import type { ServiceErrorCode } from './errors.js';
import { IncidentLog, silentIncidents } from './incident-log.js';
import { createServiceLog, type ServiceLog } from './log.js';
import { countAdmission, createMetrics, type Metrics } from './metrics.js';
import { Purchases } from './orders/purchases.js';
import { atomicStrategy } from './orders/strategies/atomic.js';
import { batchedStrategy } from './orders/strategies/batched.js';
import { seedStrategy } from './orders/strategies/seed.js';
import { ProductViews } from './products.js';
import { readiness } from './readiness.js';
import { createRequestHandler } from './request-handler.js';
import { RequestMetrics } from './request-metrics.js';
import type { RouteContext } from './route-context.js';

export interface Service {
  server: Server;
  deps: Dependencies;
  metrics: Metrics;
  /** The port it listens on (the configured one, or the one the OS chose for port 0). */
  port: number;
  /** Stops accepting, lets in-flight requests finish, closes the pools. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** What `/metrics` answers, from this process's registry (default: that registry itself). */
  metricsView?: (local: Metrics['registry']) => RouteContext['metrics'];
  /**
   * Descriptors of the node's socket from its primary (cluster/shared-listener.ts): the service
   * accepts on every one instead of binding `config.port` itself.
   */
  listeners?: ListenerHandle[];
  /** Where its structured log goes (default: JSON lines on stdout, the node's log file). */
  log?: ServiceLog;
}

/** The embedded purchase/view service an app node runs (`shopctl serve`), or one process of it. */
export async function startService(config: ServiceConfig, options: ServiceOptions = {}): Promise<Service> {
  const metrics = createMetrics();
  const log = options.log ?? createServiceLog({ node: config.node, worker: cluster.worker?.id });
  const incidents = new IncidentLog(log);
  const deps = connectDependencies(config, metrics, incidents);
  const strategyDeps = { primary: deps.primary, cache: deps.cache, lock: deps.lock, metrics };
  const near = new NearCache(config.nearCacheMs);
  // Every app hears every order: hot answers in its near cache show the new stock at once.
  deps.events.onOrderCreated((event) => near.updateStock(event.productId, event.stock, event.version));
  const strategies = { seed: seedStrategy(strategyDeps), atomic: atomicStrategy(strategyDeps), batched: batchedStrategy(strategyDeps) };
  const admission = new AdmissionGate(config.maxPurchasesInFlight);
  const work = new WorkQueue(config.concurrency);
  countAdmission(metrics.registry, admission, work);
  const ctx: RouteContext = {
    products: new ProductViews(deps.cache, near, deps.replica, deps.primary, metrics),
    purchases: new Purchases(strategies, deps.primary, deps.cache, deps.events, metrics, config.node),
    admission,
    work,
    readiness: () => readiness(deps),
    metrics: options.metricsView?.(metrics.registry) ?? metrics.registry,
    defaultStrategy: config.strategy,
    node: config.node,
    serverTiming: config.serverTiming,
  };
  const timing = new RequestMetrics();
  timing.register(metrics.registry);
  const server = createServiceServer(ctx, timing, incidents);
  const open = trackConnections(server);
  let acceptors: NetServer[] = [];
  if (options.listeners !== undefined) {
    acceptors = await acceptOn(server, options.listeners, incidents);
  } else {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: config.host, port: config.port, backlog: APP_LISTEN_BACKLOG }, resolve);
    });
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  log.event('info', 'listening', { host: config.host, port, descriptors: options.listeners?.length, strategy: config.strategy });
  return {
    server,
    deps,
    metrics,
    port,
    async close() {
      log.event('info', 'draining', { connections: open.size });
      await drainServer(server, acceptors, open);
      await deps.close();
      incidents.close();
      log.event('info', 'stopped');
    },
  };
}

/**
 * The service's HTTP server, not yet listening: the request handler over `ctx` and the
 * connection settings. Tests drive it in-process with in-memory parts in `ctx`, and log nothing
 * unless they pass `incidents`.
 */
export function createServiceServer(ctx: RouteContext, timing: RequestMetrics, incidents: IncidentLog = silentIncidents()): Server {
  const server = createServer(createRequestHandler(ctx, timing, incidents));
  server.on('clientError', (error, socket) => answerUnparsable(error, socket));
  // nginx keeps idle upstream connections for 60 s: outlive them so nginx closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.maxHeadersCount = 50;
  return server;
}

/** Bytes the HTTP parser refuses still get the service's JSON error shape, then the socket closes. */
function answerUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: 'bad_request' satisfies ServiceErrorCode, message: `the request could not be parsed (${error.code ?? 'parse error'})` });
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** The server's open connections, however they were accepted (its own listener or `acceptOn`). */
function trackConnections(server: Server): Set<Socket> {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return open;
}

/**
 * Accepts on each descriptor of the node's socket and hands every connection to `server`, as its
 * own listener would. The first is `server`'s own listener (so it is 'listening', and tracks its
 * connections for keep-alive and idle closing); the others are plain net servers with the options
 * an http.Server gives its sockets. Resolves with those others.
 */
async function acceptOn(server: Server, handles: ListenerHandle[], incidents: IncidentLog): Promise<NetServer[]> {
  const [first, ...rest] = handles;
  if (first === undefined) throw new Error('no listener to accept on');
  await listening(server, first, incidents);
  return Promise.all(
    rest.map(async (handle) => {
      const acceptor = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => server.emit('connection', socket));
      await listening(acceptor, handle, incidents);
      return acceptor;
    }),
  );
}

/**
 * Listens on `handle`; an error after that (accept failing with EMFILE, say) is logged, not
 * thrown: unhandled, it would end the worker with every request it has in flight.
 */
function listening(server: NetServer, handle: ListenerHandle, incidents: IncidentLog): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(handle, APP_LISTEN_BACKLOG, () => {
      server.off('error', reject);
      server.on('error', (error: Error) => incidents.acceptFailed(error));
      resolve();
    });
  });
}

/**
 * Past this, connections still open are closed: inside `down`'s 30 s grace, and past a purchase's
 * longest bounded path (LB_READ_TIMEOUT_MS in waits.ts, 9 s).
 */
const DRAIN_DEADLINE_MS = 20_000;
const IDLE_SWEEP_MS = 100;

/**
 * Stops accepting and waits for the open connections to end. nginx keeps its keep-alive
 * connections open and reuses them, so each is closed the moment it is idle between two requests
 * (an answer in progress is finished first); whatever is still open at the deadline is closed.
 */
function drainServer(server: Server, acceptors: NetServer[], open: Set<Socket>): Promise<void> {
  for (const acceptor of acceptors) acceptor.close();
  if (server.listening) server.close();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    };
    const sweep = setInterval(() => {
      server.closeIdleConnections();
      if (open.size === 0) done();
    }, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of open) socket.destroy();
      done();
    }, DRAIN_DEADLINE_MS);
    server.closeIdleConnections();
    if (open.size === 0) done();
  });
}
