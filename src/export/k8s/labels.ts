import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import { UsageError } from '../../errors.js';
import type { Topology, TopologyNode } from '../../topology/model.js';

/** Labels every pod of the export carries; the validator reads them back from the files. */
export const LABEL = {
  topology: 'shopctl.io/topology',
  server: 'shopctl.io/server',
  node: 'shopctl.io/node',
  kind: 'shopctl.io/kind',
  component: 'shopctl.io/component',
  /** On bench agents, instead of `topology`: they are no node of it. */
  benchOf: 'shopctl.io/bench-of',
} as const;

export const HOSTNAME_KEY = 'kubernetes.io/hostname';

/** Kinds whose copies hold the same data and must not share a Kubernetes node. */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set(['mysql', 'redis', 'sentinel']);

/** What selects a node's pods: its topology and its name. */
export function selectorOf(topology: Pick<Topology, 'name'>, name: string): Record<string, string> {
  return { [LABEL.topology]: topology.name, [LABEL.node]: name };
}

export function podLabels(topology: Pick<Topology, 'name'>, node: TopologyNode): Record<string, string> {
  return { ...selectorOf(topology, node.name), [LABEL.server]: node.server, [LABEL.kind]: node.kind };
}

/**
 * The topology's servers as Kubernetes nodes, one each. Anti-affinity: a pod may not share a
 * node with a pod of the same topology on another server. Affinity: it must share one with the
 * pods of its own server; without it the scheduler may spread one server's pods over several
 * nodes, and with as many nodes as servers the last pods stay Pending for good. The first pod of
 * a server matches its own term, which Kubernetes accepts when no other pod matches yet.
 * `Exists` keeps pods without a server (the db-init Job, bench agents) out of the anti-affinity:
 * `NotIn` alone would match them.
 */
export function serverAffinity(topology: Pick<Topology, 'name'>, node: TopologyNode): IAffinity {
  const ofTopology = { key: LABEL.topology, operator: 'In', values: [topology.name] };
  return {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: HOSTNAME_KEY, labelSelector: { matchExpressions: [ofTopology, { key: LABEL.server, operator: 'In', values: [node.server] }] } },
      ],
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          topologyKey: HOSTNAME_KEY,
          labelSelector: {
            matchExpressions: [ofTopology, { key: LABEL.server, operator: 'Exists' }, { key: LABEL.server, operator: 'NotIn', values: [node.server] }],
          },
        },
      ],
    },
  };
}

/**
 * Copies of one kind (database primary and replica, Redis master and replica, Sentinels) on one
 * server would share a Kubernetes node, which the export's spread rule forbids: refused (64).
 */
export function requireCopiesOnDistinctServers(topology: Topology): void {
  for (const kind of REPLICATED_KINDS) {
    const copies = topology.nodes.filter((n) => n.kind === kind);
    const shared = copies.find((a) => copies.some((b) => b !== a && b.server === a.server));
    if (shared === undefined) continue;
    const together = copies.filter((n) => n.server === shared.server).map((n) => n.name);
    throw new UsageError(`${topology.file}: servers.${shared.server}: ${together.join(' and ')} (${kind}) are on one server, so the Kubernetes export would put them on one Kubernetes node`, [
      'put each copy on a server of its own under `servers`',
    ]);
  }
}
