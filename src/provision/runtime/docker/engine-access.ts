import { existsSync } from 'node:fs';
import type { SharedPath } from '../runtime.js';

/** Where dockerode (and the docker CLI) look when DOCKER_HOST is not set. */
export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface EngineAccess {
  /** Each unix socket of those engines, mounted at its path. */
  sockets: SharedPath[];
  /** DOCKER_HOST as this CLI has it: the topology's `docker.hosts` name the other engines. */
  env: Record<string, string>;
}

/**
 * What a container needs to reach the engines of the topology's nodes as this CLI reaches them
 * (the monitor kills a primary that does not answer through them): a `unix://` engine is this
 * machine's, its socket mounted at the same path; a `tcp://` one is reached at its address —
 * from the host network as from here, but not from a bridge network when that address is a
 * loopback one (the container's loopback is its own). `undefined` is the default socket. A
 * socket absent here is not mounted (the engine would make an empty folder of it): that engine
 * is then out of the container's reach, and the monitor refuses a promotion that needs a kill.
 * `dockerHost` is this CLI's DOCKER_HOST, passed in (not defaulted: an explicit undefined must
 * mean "not set").
 */
export function engineAccess(addresses: Iterable<string | undefined>, dockerHost: string | undefined, exists = existsSync): EngineAccess {
  const paths = new Set<string>();
  for (const address of addresses) {
    if (address === undefined) paths.add(DEFAULT_SOCKET);
    else if (address.startsWith('unix:')) paths.add(new URL(address).pathname);
  }
  return {
    sockets: [...paths].filter((path) => exists(path)).map((path) => ({ path, writable: true })),
    env: dockerHost === undefined ? {} : { DOCKER_HOST: dockerHost },
  };
}
