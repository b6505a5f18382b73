import { UsageError } from '../../../errors.js';
import { isLoopback, requireReachable, type Addressing } from '../../addressing.js';
import { engineMachineAddress } from './engine.js';
import type { DockerPlacement } from './docker-runtime.js';

export type { DockerPlacement };

/**
 * The docker driver's pre-flight, before anything starts: refuses (64) a placement whose nodes
 * could not reach each other or that this CLI could not reach; `file` is named in the error.
 */
export function checkDockerPlacement(placement: DockerPlacement, addressing: Addressing, file: string): void {
  requireReachable(addressing, placement.nodes, file);
  if (addressing.kind !== 'bridge') return;
  const remote = placement.nodes.map((n) => engineMachineAddress(engineAddressOf(placement, n.server))).find((a) => a !== undefined && !isLoopback(a));
  if (remote !== undefined) {
    throw new UsageError(`${file}: docker.network: bridge publishes ports on the engine's 127.0.0.1, which this machine cannot reach on ${remote}`, ['use network: host for an engine on another machine']);
  }
}

/** The address of a server's engine: the topology's docker.hosts, else DOCKER_HOST (undefined: the local socket). */
export function engineAddressOf(placement: Pick<DockerPlacement, 'docker'>, server: string): string | undefined {
  return placement.docker.hosts[server] ?? process.env.DOCKER_HOST;
}
