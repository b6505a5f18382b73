import { EnvironmentError } from '../errors.js';
import { topologyPaths } from '../provision/home.js';
import { readSecrets, type Secrets } from '../provision/secrets.js';
import { topologyStatus, type NodeStatus } from '../provision/status.js';
import { loadBalancerOf, type Topology } from '../topology/model.js';

/** A running, healthy topology as the bench sees it: where to send load and what to watch. */
export interface BenchTarget {
  topology: Topology;
  origin: string;
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
  const lb = loadBalancerOf(topology);
  return { topology, origin: `http://127.0.0.1:${lb.port}`, nodes: status.nodes, secrets: readSecrets(topologyPaths(topology.name).secretsFile) };
}
