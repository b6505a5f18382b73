import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.js';
import type { Endpoint } from './addressing.js';

/** What binding answers when something else holds the port (or it is privileged). */
const TAKEN = new Set(['EADDRINUSE', 'EACCES']);

/**
 * True when nothing listens on host:port (we can bind it ourselves). An address that is not
 * this machine's (a node on another Docker host: EADDRNOTAVAIL, or a name that does not resolve
 * here) cannot be checked from here: it counts as free,
 * and a taken port there shows as that node failing to start.
 */
export function isPortFree(endpoint: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(!TAKEN.has(error.code ?? '')));
    server.listen({ host: endpoint.host, port: endpoint.port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function requireFreePorts(nodes: readonly { name: string; endpoint: Endpoint }[]): Promise<void> {
  const taken: string[] = [];
  for (const { name, endpoint } of nodes) {
    if (!(await isPortFree(endpoint))) taken.push(`node ${name}: port ${endpoint.port} on ${endpoint.host} is already in use`);
  }
  if (taken.length > 0) {
    throw new EnvironmentError(taken[0] ?? 'a port is in use', [
      ...taken.slice(1),
      'free the port (see `ss -ltnp`) or change the node\'s port in the topology file',
    ]);
  }
}
