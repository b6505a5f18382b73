import cluster, { type Worker } from 'node:cluster';
import * as net from 'node:net';
import { getSystemErrorName } from 'node:util';

/**
 * One listening socket per app node, polled through many file descriptors (issue #12).
 *
 * Why: since libuv 1.45 (Node 20) a listening socket is accept()ed once per poll, not until the
 * queue is empty (libuv PR #3696). A process whose event loop is busy — thousands of requests in
 * flight, up to 1024 ready events per iteration — therefore takes one new connection per
 * iteration, a few a second under load. Measured here at 6000 connections: the apps' accept
 * queues stood at 2 000–4 097 while they accepted one connection a second (strace), nginx's
 * connects to them timed out, and the read timeouts that followed closed more connections,
 * which then had to be accepted again.
 *
 * How: the node's primary creates the socket (bound, never polled by the primary itself) and
 * hands each worker `ACCEPTORS_PER_WORKER` duplicates of it over the cluster's IPC channel, each
 * a new descriptor of the same socket. A worker polls every one, so it takes up to that many
 * connections per iteration. The workers share the one accept queue, so the least busy takes the
 * most. The primary keeps its descriptor, without polling it, for the workers it restarts (while
 * a node's only worker restarts, new connections wait in the queue), and closes it when the node
 * drains: the socket then stops listening once the workers have closed theirs, so a connect to a
 * stopping node is refused (and nginx tries the other app) instead of waiting in a queue nobody
 * reads.
 */
export const ACCEPTORS_PER_WORKER = 64;

const ASK = 'shopctl:listeners?';
const LISTENER = 'shopctl:listener';

/** A TCP handle of Node's (`net.Server#listen(handle)` takes one); opaque but for `close`. */
export interface ListenerHandle {
  close(): void;
}

interface NetInternals {
  /** node:net's own factory for a bound server socket, as node:cluster's primary uses it. */
  _createServerHandle(address: string, port: number, addressType: number): ListenerHandle | number;
}

/**
 * Primary: the node's socket, bound to `host:port` and not yet listening. libuv reports a bind
 * error only at listen, which the workers do; so the port is first tried with a listener of the
 * primary's own, closed at once, and a port in use fails the node here with its name.
 */
export async function bindListener(host: string, port: number): Promise<ListenerHandle> {
  const family = net.isIP(host);
  if (family === 0) throw new Error(`app listen address must be an IP address, got "${host}"`);
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${host}:${port}: ${error.code ?? error.message}`)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
  const handle = (net as unknown as NetInternals)._createServerHandle(host, port, family);
  if (typeof handle === 'number') throw new Error(`cannot listen on ${host}:${port}: ${getSystemErrorName(handle)}`);
  return handle;
}

/**
 * Primary: answers each worker's request with its duplicates of the node's socket, one IPC
 * message each (a worker asks once it listens for them: a message sent earlier would be lost).
 */
export function shareListener(handle: ListenerHandle, count = ACCEPTORS_PER_WORKER): void {
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage(message, ASK)) return;
    for (let i = 0; i < count && worker.isConnected(); i++) {
      // A worker restarted while the node drains asks after the primary closed its socket: the
      // send fails (EINVAL), the worker gets nothing to listen on, and the drain stops it.
      try {
        worker.send({ type: LISTENER }, handle as unknown as net.Server, (error) => void error);
      } catch {
        return;
      }
    }
  });
}

/** Worker: asks the primary for its duplicates of the node's socket and waits for all `count`. */
export function receiveListeners(count = ACCEPTORS_PER_WORKER): Promise<ListenerHandle[]> {
  if (!cluster.isWorker || process.send === undefined) return Promise.reject(new Error('only a cluster worker receives listeners'));
  const ask = process.send.bind(process);
  return new Promise((resolve) => {
    const handles: ListenerHandle[] = [];
    const onMessage = (message: unknown, handle: unknown) => {
      if (!isMessage(message, LISTENER) || !isHandle(handle)) return;
      handles.push(handle);
      if (handles.length < count) return;
      process.off('message', onMessage);
      resolve(handles);
    };
    process.on('message', onMessage);
    ask({ type: ASK });
  });
}

function isHandle(value: unknown): value is ListenerHandle {
  return typeof value === 'object' && value !== null && typeof (value as { close?: unknown }).close === 'function';
}

function isMessage(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
