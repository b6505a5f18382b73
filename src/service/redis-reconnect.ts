import type { EventEmitter } from 'node:events';

/** What keepConnected needs of an ioredis client. */
export type EndingClient = Pick<EventEmitter, 'on' | 'off'> & { status: string; connect(): Promise<unknown> };

/**
 * Connects an ioredis client again when it has ended without being told to. ioredis 5's Sentinel
 * connector ends a client for good (status `end`, no more retries) when a Sentinel's
 * `+switch-master` reaches its failover detector while the client is reconnecting: the
 * detector's disconnect makes the pending connect throw "Connection is closed", and the client
 * takes that for a failed connect. Found by scripts/prove-failover.mjs: after `kill -9` of the
 * Redis master, in one run of four both apps never regained Redis (no `dependency_regained`,
 * /readyz failing minutes later). Tries again every `retryMs` until it connects or `stop()`,
 * which the owner calls before it disconnects on purpose.
 */
export function keepConnected(client: EndingClient, retryMs = 1000): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const onEnd = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      // A failed connect ends the client again, and this runs again.
      if (!stopped && client.status === 'end') client.connect().catch(() => undefined);
    }, retryMs);
    timer.unref();
  };
  client.on('end', onEnd);
  return () => {
    stopped = true;
    clearTimeout(timer);
    client.off('end', onEnd);
  };
}
