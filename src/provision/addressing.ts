import type { TopologyNode } from '../topology/model.js';

const LOOPBACK_ADDRESS = '127.0.0.1';

/**
 * How the nodes of a topology reach each other, which every node's config must agree on:
 * - `host`: every node on its server's own network (processes, or containers on the host
 *   network). `addresses` gives the address of each node's server: 127.0.0.1 for this machine
 *   (the default, and the mode every test here uses), or the address of a Docker host the
 *   topology places a server on. A node listens on its server's address; peers use it.
 * - `bridge`: each node in its own container on a user-defined network, listening on all of
 *   its interfaces; peers find it by node name (Docker's DNS), and this CLI by the port it
 *   publishes on the engine's 127.0.0.1.
 */
export type Addressing = { kind: 'host'; addresses: Readonly<Record<string, string>> } | { kind: 'bridge' };

/** Every node on this machine's loopback. */
export const LOOPBACK: Addressing = { kind: 'host', addresses: {} };

export interface Endpoint {
  host: string;
  port: number;
}

type Named = Pick<TopologyNode, 'name'>;

function serverAddress(addresses: Readonly<Record<string, string>>, node: Named): string {
  return addresses[node.name] ?? LOOPBACK_ADDRESS;
}

/** The address a node's server listens on, inside its network namespace. */
export function listenAddress(addressing: Addressing, node: Named): string {
  return addressing.kind === 'bridge' ? '0.0.0.0' : serverAddress(addressing.addresses, node);
}

/** The host name another node uses to reach `node`. */
export function peerHost(addressing: Addressing, node: Named): string {
  return addressing.kind === 'bridge' ? node.name : serverAddress(addressing.addresses, node);
}

/** Where this CLI reaches a node (probes, status, bench, verify, shell). */
export function endpointOf(addressing: Addressing, node: Pick<TopologyNode, 'name' | 'port'>): Endpoint {
  const host = addressing.kind === 'bridge' ? LOOPBACK_ADDRESS : serverAddress(addressing.addresses, node);
  return { host, port: node.port };
}

export function httpOrigin(addressing: Addressing, node: Pick<TopologyNode, 'name' | 'port'>): string {
  const { host, port } = endpointOf(addressing, node);
  return `http://${host}:${port}`;
}

/**
 * The host part of the database accounts shopctl creates (`user@host`): the loopback address
 * while every node is on this machine, else any host (connections then come from other
 * machines or Docker's addresses; the generated passwords guard the accounts).
 */
export function accountHost(addressing: Addressing): string {
  if (addressing.kind === 'bridge') return '%';
  return Object.values(addressing.addresses).every((a) => a === LOOPBACK_ADDRESS) ? LOOPBACK_ADDRESS : '%';
}
