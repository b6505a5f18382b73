import { rmSync } from 'node:fs';
import { ignoreEvents, type ProvisionListener } from './events.js';
import { topologyPaths, type TopologyPaths } from './home.js';
import { acquireLock } from './lock.js';
import { runtimeFor, type Driver } from './runtime/select.js';
import { loadTopology } from '../topology/load.js';
import { DOCKER_DEFAULTS } from '../topology/schema.js';
import type { Runtime } from './runtime/runtime.js';
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
    const driver = reading.kind === 'ok' ? reading.state.driver : 'local';
    const stopped = await stopAllNodes(paths, runtimeForDown(topology, driver, reading.kind === 'ok' ? reading.state.file : undefined), options.listener ?? ignoreEvents);
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
  await runtime.releaseTopology();
  return stopped.sort();
}

/**
 * The runtime that started the nodes. For containers, the topology file (as `up` recorded it)
 * says which engine each server uses; when it is gone or broken, the default engine
 * (DOCKER_HOST) is asked, since `down` must work whatever state the file is in.
 */
function runtimeForDown(name: string, driver: Driver, file: string | undefined): Runtime {
  const bare = { name, nodes: [], docker: DOCKER_DEFAULTS };
  if (driver === 'local' || file === undefined) return runtimeFor(driver, bare);
  try {
    return runtimeFor('docker', loadTopology(file));
  } catch {
    return runtimeFor('docker', bare);
  }
}
