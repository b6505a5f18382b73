import type Docker from 'dockerode';
import type { RuntimeNode, SharedPath } from '../runtime.js';
import type { DockerPlacement } from './docker-runtime.js';
import { containerName, labelsFor, type ContainerRole } from './labels.js';
import { networkName } from './network.js';

/** What to run in a container: the rest of its options follow from the topology. */
export type ContainerRun = Pick<Docker.ContainerCreateOptions, 'Entrypoint' | 'Cmd' | 'Env' | 'Tty'>;

/**
 * The create options of a node's container: its name and labels, its folder mounted at the
 * same path (plus `shared` folders and files, each at its path too), and its network. On the host network every port is the
 * engine's own; on the topology's bridge network a server is reachable by its node name and
 * publishes its port on the engine's 127.0.0.1, where this CLI (bench, status, verify) finds it.
 * A one-off task needs no network there.
 */
export function containerOptions(
  placement: DockerPlacement,
  node: RuntimeNode,
  role: ContainerRole,
  image: string,
  run: ContainerRun,
  shared: readonly SharedPath[],
): Docker.ContainerCreateOptions {
  const base: Docker.ContainerCreateOptions = {
    ...run,
    name: containerName(placement.name, node, role),
    Image: image,
    WorkingDir: node.paths.dir,
    Labels: labelsFor(placement.name, node, role),
  };
  const Binds = sameBinds([{ path: node.paths.dir, writable: true }, ...shared]);
  if (placement.docker.network === 'host') return { ...base, HostConfig: { NetworkMode: 'host', Binds } };
  if (role === 'task') return { ...base, HostConfig: { NetworkMode: 'none', Binds } };
  const network = networkName(placement.name);
  const port = `${node.spec.port}/tcp`;
  return {
    ...base,
    ExposedPorts: { [port]: {} },
    HostConfig: { NetworkMode: network, Binds, PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: port.split('/')[0] }] } },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [node.name] } } },
  };
}

/**
 * Binds at the same path inside as outside, one per path (the engine refuses two at one place):
 * a path shared both read-only and writable is writable. Nested paths stay: the engine mounts
 * the outer one first.
 */
export function sameBinds(paths: readonly SharedPath[]): string[] {
  const writable = new Map<string, boolean>();
  for (const { path, writable: w } of paths) {
    const key = path.replace(/(.)\/+$/, '$1');
    writable.set(key, (writable.get(key) ?? false) || w);
  }
  return [...writable].map(([path, w]) => `${path}:${path}${w ? '' : ':ro'}`);
}
