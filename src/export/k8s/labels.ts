import type { IAffinity } from 'kubernetes-models/v1/Affinity';
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

/** What selects a node's pods: its topology and its name. */
export function selectorOf(topology: Pick<Topology, 'name'>, name: string): Record<string, string> {
  return { [LABEL.topology]: topology.name, [LABEL.node]: name };
}

export function podLabels(topology: Pick<Topology, 'name'>, node: TopologyNode): Record<string, string> {
  return { ...selectorOf(topology, node.name), [LABEL.server]: node.server, [LABEL.kind]: node.kind };
}

/**
 * The topology's servers on distinct Kubernetes nodes: a pod may not share a node with a pod of
 * the same topology on another server (pods of one server may). `Exists` keeps pods without a
 * server (the db-init Job, bench agents) out of the rule: `NotIn` alone would match them.
 */
export function serverAffinity(topology: Pick<Topology, 'name'>, node: TopologyNode): IAffinity {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          topologyKey: HOSTNAME_KEY,
          labelSelector: {
            matchExpressions: [
              { key: LABEL.topology, operator: 'In', values: [topology.name] },
              { key: LABEL.server, operator: 'Exists' },
              { key: LABEL.server, operator: 'NotIn', values: [node.server] },
            ],
          },
        },
      ],
    },
  };
}
