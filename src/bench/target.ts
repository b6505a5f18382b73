import { EnvironmentError } from '../errors.js';
import { describeFault } from '../faults/active-faults.js';
import type { Addressing } from '../provision/addressing.js';
import { topologyStatus, type NodeStatus } from '../provision/status.js';
import { RunningTopology } from '../running/running-topology.js';
import type { Topology } from '../topology/model.js';

/** Where a load goes: the load balancer's origin, and the topology whose catalog it asks for. */
export type LoadTarget = Pick<BenchTarget, 'topology' | 'origin'>;

/** A running, healthy topology as the bench sees it: where to send load and what to watch. */
export interface BenchTarget {
  topology: Topology;
  /** The load balancer's origin, where every request goes. */
  origin: string;
  /** Where this CLI reaches each node. */
  addressing: Addressing;
  nodes: NodeStatus[];
  /** Its servers, for the figures read before and after the load. */
  running: RunningTopology;
}

/**
 * Refuses (exit 3) unless every node is up and healthy: a bench against a half-running topology
 * measures the outage, not the system, and its report would be misread.
 */
export async function benchTarget(topology: Topology): Promise<BenchTarget> {
  const running = RunningTopology.find(topology);
  if (running === undefined) {
    throw new EnvironmentError(`topology ${topology.name} is not provisioned`, [`start it first: shopctl up -t ${topology.file}`]);
  }
  const status = await topologyStatus(topology);
  if (!status.healthy) {
    const sick = status.nodes.filter((n) => !n.healthy).map((n) => `${n.name}: ${n.detail}`);
    // A fault put in by hand is no run's fault: the report would not know of it.
    const faults = status.faults.map((f) => `fault in force: ${describeFault(f)} (shopctl fault heal undoes it; a bench injects faults itself from faults: or --fault)`);
    throw new EnvironmentError(`topology ${topology.name} is not healthy; nothing was sent`, [...sick, ...faults, `see shopctl status -t ${topology.file}; shopctl up restarts nodes that died`]);
  }
  return { topology, origin: running.loadBalancer, addressing: running.addressing, nodes: status.nodes, running };
}
