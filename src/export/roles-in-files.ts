import type { NodeFile } from '../provision/nodes/node-kind.js';
import type { Topology, TopologyNode } from '../topology/model.js';

/**
 * An exported node's config, for a project that renders the roles once (compose, Kubernetes).
 * With Sentinel, a Redis node's config is the server's too: Sentinel's CONFIG REWRITE records a
 * promotion (or a `replicaof` the new master) in it, and a restarted container must keep that
 * role. `up` renders the role it reads from the running topology instead; an export cannot, so
 * the file is copied into the node's volume on first start, as sentinel.conf is.
 */
export function ownedWhereRolesMove(node: TopologyNode, topology: Pick<Topology, 'ha'>, file: NodeFile): NodeFile {
  return node.kind === 'redis' && topology.ha.redis === 'sentinel' ? { ...file, ownedByServer: true } : file;
}
