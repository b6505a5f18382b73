import { isIPv6 } from 'node:net';
import { UsageError } from '../errors.js';
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

/** host:port as URLs and nginx write it: an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export function httpOrigin(addressing: Addressing, node: Pick<TopologyNode, 'name' | 'port'>): string {
  const { host, port } = endpointOf(addressing, node);
  return `http://${hostPort(host, port)}`;
}

/** Whether an address is this machine's loopback (127.0.0.0/8, ::1). */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

/**
 * Refuses (64) placements whose nodes could not reach each other: on the host network, nodes
 * on this machine's loopback cannot be reached by nodes on other machines, so either every
 * server is on this machine or every server has its machine's address (its engine's tcp://).
 */
export function requireReachable(addressing: Addressing, nodes: readonly Pick<TopologyNode, 'name' | 'server'>[], file: string): void {
  if (addressing.kind !== 'host') return;
  const local = nodes.filter((n) => isLoopback(serverAddress(addressing.addresses, n)));
  const remote = nodes.filter((n) => !isLoopback(serverAddress(addressing.addresses, n)));
  if (local.length === 0 || remote.length === 0) return;
  const servers = [...new Set(local.map((n) => n.server))].join(', ');
  throw new UsageError(`${file}: docker.hosts: servers ${servers} are on this machine's loopback, which the nodes on other machines (${remote.map((n) => n.name).join(', ')}) cannot reach`, [
    `give those servers their engine by this machine's network address too (e.g. ${[...new Set(local.map((n) => n.server))][0] ?? 'app-a'}: tcp://<this machine>:2375)`,
  ]);
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
