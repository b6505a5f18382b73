import { createServer } from 'node:net';
import { EnvironmentError } from '../errors.js';

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function requireFreePorts(nodes: readonly { name: string; port: number }[]): Promise<void> {
  const taken: string[] = [];
  for (const node of nodes) {
    if (!(await isPortFree(node.port))) taken.push(`node ${node.name}: port ${node.port} on 127.0.0.1 is already in use`);
  }
  if (taken.length > 0) {
    throw new EnvironmentError(taken[0] ?? 'a port is in use', [
      ...taken.slice(1),
      'free the port (see `ss -ltnp`) or change the node\'s port in the topology file',
    ]);
  }
}
