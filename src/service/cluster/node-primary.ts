import cluster, { type Worker } from 'node:cluster';
import type { ServiceConfig } from '../config.js';
import { createServiceLog, type ServiceLog } from '../log.js';
import { answerNodeMetrics } from './node-metrics.js';
import { RestartBudget } from './restart-budget.js';
import { bindListener, shareListener } from './shared-listener.js';

/** A message from the primary: stop accepting, finish what is in flight, close the pools, exit. */
export const DRAIN_MESSAGE = 'shopctl:drain';

/** Restarts a node may make before it is taken for a crash loop and stopped: 5, or 2 per worker when more (one event may kill several). */
const RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 30_000;

/**
 * The primary of an app node: binds the node's port, forks `workers` processes of `shopctl serve`
 * that accept on it (each through many descriptors of the one socket: shared-listener.ts, which
 * says why), keeps that many running, and drains them on SIGTERM/SIGINT. It serves no request
 * and accepts no connection itself.
 *
 * Resolves after the drain with how it ended: asked to (`signal`) or the workers kept dying.
 */
export async function runNodePrimary(
  config: Pick<ServiceConfig, 'node' | 'workers' | 'host' | 'port'>,
  log: ServiceLog = createServiceLog({ node: config.node }),
): Promise<'signal' | 'crash-loop'> {
  const { workers } = config;
  // Bound before any worker starts: a port in use fails the node at once, not each worker.
  const listener = await bindListener(config.host, config.port);
  shareListener(listener);
  answerNodeMetrics();
  const restarts = Math.max(RESTARTS_PER_WINDOW, 2 * workers);
  const budget = new RestartBudget(restarts, RESTART_WINDOW_MS);
  let stopping = false;
  let ending: 'signal' | 'crash-loop' = 'signal';
  return new Promise((resolve) => {
    const finish = () => {
      log.event(ending === 'signal' ? 'info' : 'error', 'stopped', { ending });
      resolve(ending);
    };
    const drain = (reason: string) => {
      if (stopping) return;
      stopping = true;
      listener.close();
      log.event('info', 'draining', { reason, workers: liveWorkers().length });
      for (const worker of liveWorkers()) if (worker.isConnected()) worker.send(DRAIN_MESSAGE);
      if (liveWorkers().length === 0) finish();
    };
    cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
      if (stopping) {
        if (liveWorkers().length === 0) finish();
        return;
      }
      const how = signal === null ? `exited ${String(code)}` : `was killed by ${signal}`;
      // A worker exits 0 (or by SIGTERM/SIGINT) only when asked to stop: the node is being
      // stopped (down signals the whole group), even if the primary's own signal is still on its way.
      if (code === 0 || signal === 'SIGTERM' || signal === 'SIGINT') {
        drain(`worker ${worker.process.pid ?? '?'} ${how}`);
        return;
      }
      const restarting = budget.allow(Date.now());
      const fields = { workerPid: worker.process.pid, workerId: worker.id, code: code ?? undefined, signal: signal ?? undefined, restarting };
      log.event(restarting ? 'warn' : 'error', 'worker_exited', fields, `worker ${worker.process.pid ?? '?'} ${how}${restarting ? '; starting another' : ''}`);
      if (restarting) {
        cluster.fork();
        return;
      }
      ending = 'crash-loop';
      drain(`worker ${worker.process.pid ?? '?'} ${how}, the ${restarts + 1}th death within ${RESTART_WINDOW_MS / 1000} s`);
    });
    process.on('SIGTERM', () => drain('SIGTERM'));
    process.on('SIGINT', () => drain('SIGINT'));
    for (let i = 0; i < workers; i++) cluster.fork();
    log.event('info', 'primary_started', { workers });
  });
}

function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
}
