import { existsSync, rmSync } from 'node:fs';
import { ignoreEvents, type ProvisionListener } from './events.js';
import { topologyPaths, type TopologyPaths } from './home.js';
import { acquireLock } from './lock.js';
import { ProcessRuntime } from './runtime/process-runtime.js';
import type { Runtime } from './runtime/runtime.js';
import { nodeDirectories } from './state.js';

export interface DownResult {
  topology: string;
  stopped: string[];
  purged: boolean;
}

/**
 * Stops every process shopctl started for a topology, found from the node folders on disk (not
 * from the topology file), so it also cleans up after a crashed or killed `up`. Idempotent.
 */
export async function down(topology: string, options: { purge: boolean; listener?: ProvisionListener }): Promise<DownResult> {
  const paths = topologyPaths(topology);
  // Nothing was ever up here: leave no folder behind either.
  if (!existsSync(paths.root)) return { topology, stopped: [], purged: options.purge };
  const release = acquireLock(paths.lockFile, topology);
  try {
    const stopped = await stopAllNodes(paths, new ProcessRuntime(), options.listener ?? ignoreEvents);
    if (options.purge) rmSync(paths.root, { recursive: true, force: true });
    return { topology, stopped, purged: options.purge };
  } finally {
    release();
  }
}

/** Stops every node folder's processes in parallel; returns the nodes that had one running. */
export async function stopAllNodes(paths: TopologyPaths, runtime: Runtime, listener: ProvisionListener): Promise<string[]> {
  const stopped: string[] = [];
  await Promise.all(
    nodeDirectories(paths).map(async (name) => {
      const node = paths.node(name);
      const running = runtime.isRunning(node);
      const started = Date.now();
      if (running) listener({ type: 'node', node: name, kind: '', phase: 'stopping' });
      await runtime.stop(node);
      if (running) {
        stopped.push(name);
        listener({ type: 'node', node: name, kind: '', phase: 'stopped', ms: Date.now() - started });
      }
    }),
  );
  return stopped.sort();
}
