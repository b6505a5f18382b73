import type { Topology } from '../../topology/model.js';
import { LABEL } from './labels.js';
import { objectMeta, type K8sObject } from './manifest.js';

/**
 * One PodDisruptionBudget per server: a drain evicts at most one pod of a server at a time and
 * is never blocked (`maxUnavailable: 1` over pods of one replica each; a budget of 0, or
 * minAvailable equal to the pods, would hold a drain forever). Pods that are not ready may be
 * evicted whatever the budget says, so a broken pod cannot hold a drain either.
 */
export function disruptionBudgets(topology: Topology): K8sObject[] {
  const servers = [...new Set(topology.nodes.map((n) => n.server))];
  return servers.map((server) => {
    const selector = { [LABEL.topology]: topology.name, [LABEL.server]: server };
    return {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: objectMeta(`server-${server}`, selector),
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selector } },
    };
  });
}
