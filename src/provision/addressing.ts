import type { TopologyNode } from '../topology/model.js';

/**
 * How the nodes of a topology reach each other, which every node's config must agree on:
 * - `loopback`: every node listens on 127.0.0.1 of one machine and peers are 127.0.0.1:port
 *   (processes, or containers on the host network; the mode every test here uses).
 * - `bridge`: each node in its own container on a user-defined network, listening on all of
 *   its interfaces; peers are found by node name (Docker's DNS), and connections come from
 *   addresses Docker assigns, so database accounts accept any host (their passwords guard them).
 */
export type Addressing = 'loopback' | 'bridge';

/** The address a node's server listens on, inside its network namespace. */
export function listenAddress(addressing: Addressing): string {
  return addressing === 'bridge' ? '0.0.0.0' : '127.0.0.1';
}

/** The host name another node uses to reach `node`. */
export function peerHost(addressing: Addressing, node: Pick<TopologyNode, 'name'>): string {
  return addressing === 'bridge' ? node.name : '127.0.0.1';
}

/** The host part of the database accounts shopctl creates (`user@host`). */
export function accountHost(addressing: Addressing): string {
  return addressing === 'bridge' ? '%' : '127.0.0.1';
}
