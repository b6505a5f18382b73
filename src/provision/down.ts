import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { withFaultsLock, writeActiveFaults } from '../faults/active-faults.js';
import { removeTable, tableName } from '../faults/nftables.js';
import { removeTopologyCgroups } from './runtime/cgroups.js';
import { ignoreEvents, type ProvisionListener } from './events.js';
import { topologyPaths, type TopologyPaths } from './home.js';
import { acquireLock } from './lock.js';
import { nodeRef } from './runtime/runtime.js';
import { recordedRuntime, type AnyRuntime } from './runtime/select.js';
import { inspectState, nodeDirectories } from './state.js';

export interface DownResult {
  topology: string;
  stopped: string[];
  purged: boolean;
  /** Set when the folder was not shopctl's and so was left untouched. */
  skipped?: string;
}

/**
 * Stops every process shopctl started for a topology, found from the node folders on disk (not
 * from the topology file), so it also cleans up after a crashed or killed `up`. Idempotent.
 */
export async function down(topology: string, options: { purge: boolean; listener?: ProvisionListener }): Promise<DownResult> {
  const paths = topologyPaths(topology);
  const reading = inspectState(paths);
  // Nothing was ever up here: leave no folder behind either.
  if (reading.kind === 'absent') return { topology, stopped: [], purged: false };
  if (reading.kind === 'foreign') return { topology, stopped: [], purged: false, skipped: `${paths.root} has no state.json: not a shopctl topology, left untouched` };
  const release = acquireLock(paths.lockFile, topology);
  try {
    const stopped = await stopAllNodes(paths, recordedRuntime(topology), options.listener ?? ignoreEvents);
    if (options.purge) rmSync(paths.root, { recursive: true, force: true });
    return { topology, stopped, purged: options.purge };
  } finally {
    release();
  }
}

/**
 * Undoes every fault first (the partition rules, whether recorded or not; paused processes are
 * thawed by `stop` itself), stops every node folder's processes in parallel, then removes what
 * the runtime made for the topology as a whole (docker: its network; processes: their cgroups);
 * returns the nodes that had one running.
 */
export async function stopAllNodes(paths: TopologyPaths, runtime: AnyRuntime, listener: ProvisionListener): Promise<string[]> {
  // Under faults.lock, so a fault command or schedule cannot load rules between this and the stop.
  withFaultsLock(paths, basename(paths.root), () => removeTable(tableName(paths.root)));
  const stopped: string[] = [];
  await Promise.all(
    nodeDirectories(paths).map(async (name) => {
      const node = nodeRef(paths, name);
      const running = await runtime.isRunning(node);
      const started = Date.now();
      if (running) listener({ type: 'node', node: name, kind: '', phase: 'stopping' });
      await runtime.stop(node);
      if (running) {
        stopped.push(name);
        listener({ type: 'node', node: name, kind: '', phase: 'stopped', ms: Date.now() - started });
      }
    }),
  );
  if (runtime.driver === 'docker') await runtime.removeTopologyNetwork();
  else await removeTopologyCgroups(paths.root);
  withFaultsLock(paths, basename(paths.root), () => writeActiveFaults(paths, []));
  return stopped.sort();
}
