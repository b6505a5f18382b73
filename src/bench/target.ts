import { EnvironmentError } from '../errors.js';
import { httpOrigin, type Addressing } from '../provision/addressing.js';
import { topologyPaths } from '../provision/home.js';
import { recordedRuntime } from '../provision/runtime/select.js';
import { readSecrets, type Secrets } from '../provision/secrets.js';
import { topologyStatus, type NodeStatus } from '../provision/status.js';
import { loadBalancerOf, type Topology } from '../topology/model.js';

/** A running, healthy topology as the bench sees it: where to send load and what to watch. */
export interface BenchTarget {
  topology: Topology;
  origin: string;
  /** Where this CLI reaches each node. */
  addressing: Addressing;
  nodes: NodeStatus[];
  secrets: Secrets;
}

/**
 * Refuses (exit 3) unless every node is up and healthy: a bench against a half-running topology
 * measures the outage, not the system, and its report would be misread.
 */
export async function benchTarget(topology: Topology): Promise<BenchTarget> {
  const status = await topologyStatus(topology);
  if (!status.provisioned) {
    throw new EnvironmentError(`topology ${topology.name} is not provisioned`, [`start it first: shopctl up -t ${topology.file}`]);
  }
  if (!status.healthy) {
    const sick = status.nodes.filter((n) => !n.healthy).map((n) => `${n.name}: ${n.detail}`);
    throw new EnvironmentError(`topology ${topology.name} is not healthy; nothing was sent`, [...sick, `see shopctl status -t ${topology.file}; shopctl up restarts nodes that died`]);
  }
  const { addressing } = recordedRuntime(topology);
  const origin = httpOrigin(addressing, loadBalancerOf(topology));
  return { topology, origin, addressing, nodes: status.nodes, secrets: readSecrets(topologyPaths(topology.name).secretsFile) };
}
