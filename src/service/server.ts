import { createServer, type Server } from 'node:http';
import type { ServiceConfig } from './config.js';
import { connectDependencies, type Dependencies } from './dependencies.js';
import { sendError } from './http.js';
import { ProductViews } from './products.js';
import { route } from './routes.js';

export interface Service {
  server: Server;
  deps: Dependencies;
  /** Stops accepting, lets in-flight requests finish, closes the pools. */
  close(): Promise<void>;
}

/** The embedded purchase/view service an app node runs (`shopctl serve`). */
export async function startService(config: ServiceConfig): Promise<Service> {
  const deps = connectDependencies(config);
  const ctx = { deps, views: new ProductViews(deps, config.cacheTtlSeconds) };
  const server = createServer((req, res) => {
    res.setHeader('x-served-by', config.node);
    route(req, res, ctx).catch((error: unknown) => sendError(res, error));
  });
  // nginx keeps idle upstream connections for 60 s: outlive them so nginx closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.host, port: config.port, backlog: 4096 }, resolve);
  });
  return {
    server,
    deps,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await deps.close();
    },
  };
}
