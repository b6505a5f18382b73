import { loadTopology } from '../../topology/load.js';
import { DOCKER_DEFAULTS } from '../../topology/schema.js';
import { topologyPaths } from '../home.js';
import { inspectState } from '../state.js';
import { DockerRuntime, type DockerPlacement } from './docker/docker-runtime.js';
import type { PullListener } from './docker/images.js';
import { ProcessRuntime } from './process-runtime.js';

/** Either runtime, told apart by `driver`, so docker-only steps (placement, network) narrow to it. */
export type AnyRuntime = ProcessRuntime | DockerRuntime;
export type Driver = AnyRuntime['driver'];

export function runtimeFor(driver: Driver, placement: DockerPlacement, onPull?: PullListener): AnyRuntime {
  return driver === 'docker' ? new DockerRuntime(placement, onPull) : new ProcessRuntime();
}

/**
 * The runtime `up` used for a topology (state.json says which driver), so status, shell, bench,
 * verify and down find its nodes. For containers the engines come from `placement` when the
 * caller has the topology, else from the file `up` recorded; when that is gone or broken, the
 * default engine (DOCKER_HOST) is asked, since `down` must work whatever state the file is in.
 */
export function recordedRuntime(topology: string, placement?: DockerPlacement): AnyRuntime {
  const reading = inspectState(topologyPaths(topology));
  if (reading.kind !== 'ok' || reading.state.driver === 'local') return new ProcessRuntime();
  return new DockerRuntime(placement ?? recordedPlacement(topology, reading.state.file));
}

function recordedPlacement(name: string, file: string): DockerPlacement {
  try {
    // The containers carry the name `up` recorded, whatever the file says now.
    return { ...loadTopology(file), name };
  } catch {
    return { name, nodes: [], docker: DOCKER_DEFAULTS };
  }
}
