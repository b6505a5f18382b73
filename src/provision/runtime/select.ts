import type { Topology } from '../../topology/model.js';
import { topologyPaths } from '../home.js';
import { readState } from '../state.js';
import { DockerRuntime, type DockerPlacement } from './docker/docker-runtime.js';
import type { PullListener } from './docker/images.js';
import { ProcessRuntime } from './process-runtime.js';
import type { Runtime } from './runtime.js';

export type Driver = Runtime['driver'];

export function runtimeFor(driver: Driver, topology: DockerPlacement, onPull?: PullListener): Runtime {
  return driver === 'docker' ? new DockerRuntime(topology, onPull) : new ProcessRuntime();
}

/** The runtime `up` used for this topology (state.json says), so status, shell and down find its nodes. */
export function recordedRuntime(topology: Topology): Runtime {
  return runtimeFor(readState(topologyPaths(topology.name))?.driver ?? 'local', topology);
}
