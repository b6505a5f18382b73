import type { Topology, TopologyNode } from '../../topology/model.js';
import { LABEL, selectorOf } from './labels.js';
import { objectMeta, type K8sObject } from './manifest.js';

/**
 * PodDisruptionBudgets that never block a drain of one server. A drain moves a whole server: its
 * pods are required together (labels.ts), so an evicted pod stays Pending until every pod of its
 * server is evicted. A budget over two pods of one server deadlocks that drain (the first
 * Pending pod uses up what the second needs), as one budget per server did. So a budget spans
 * one kind's pods only where each is on another server (the copies always are: the export
 * refuses otherwise), else there is one per node. `maxUnavailable: 1` then holds only while a
 * pod of another server is down, and it keeps two copies (primary and replica, two Sentinels)
 * from being evicted at once. Two servers drained at once may hold each other (docs say: one at
 * a time). `unhealthyPodEvictionPolicy: AlwaysAllow` lets a pod that is not ready be evicted
 * whatever the budget says (Kubernetes 1.27 or later).
 */
export function disruptionBudgets(topology: Topology): K8sObject[] {
  const kinds = [...new Set(topology.nodes.map((n) => n.kind))];
  return kinds.flatMap((kind) => {
    const nodes = topology.nodes.filter((n) => n.kind === kind);
    const apart = new Set(nodes.map((n) => n.server)).size === nodes.length;
    if (nodes.length > 1 && apart) return [budget(`kind-${kind}`, { [LABEL.topology]: topology.name, [LABEL.kind]: kind })];
    return nodes.map((node: TopologyNode) => budget(`node-${node.name}`, selectorOf(topology, node.name)));
  });
}

function budget(name: string, selector: Record<string, string>): K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(name, selector),
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selector } },
  };
}
