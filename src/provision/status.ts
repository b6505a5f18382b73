import { withDeadline } from '../async/deadline.js';
import { faultsInForce, type ActiveFault } from '../faults/active-faults.js';
import { roleNow } from '../failover/roles.js';
import { readFailoverState, type Promotion } from '../failover/state.js';
import { RunningTopology } from '../running/running-topology.js';
import type { ServiceLogLine } from '../service/log-line.js';
import type { Topology, TopologyNode } from '../topology/model.js';
import { endpointOf, hostPort } from './addressing.js';
import { topologyPaths } from './home.js';
import { recentServiceEvents } from './log-tail.js';
import { withKind } from './nodes/kinds.js';
import type { NodeHealth } from './nodes/node-kind.js';
import { nodeRef } from './runtime/runtime.js';
import { recordedRuntime } from './runtime/select.js';

export interface NodeStatus {
  name: string;
  kind: TopologyNode['kind'];
  role: TopologyNode['role'];
  server: string;
  port: number;
  /** host:port where this CLI reaches the node (another Docker host's address for its servers). */
  address: string;
  /** The node's log file (its server's output, processes and containers alike). */
  log: string;
  pid: number | null;
  /** Every process of the node's server, `pid` first (an app's primary, then its workers). */
  processes: number[];
  running: boolean;
  healthy: boolean;
  detail: string;
  replication: NodeHealth['replication'] | null;
  connections: number | null;
  /** Only on an app node that is not healthy: the last events its service logged, oldest first. */
  recentLog?: ServiceLogLine[];
}

export interface TopologyStatus {
  topology: string;
  file: string;
  /** Set up by `up` (state and secrets present), whether or not its nodes run now. */
  provisioned: boolean;
  healthy: boolean;
  nodes: NodeStatus[];
  /** The faults in force (`shopctl fault`): any makes the topology unhealthy. */
  faults: ActiveFault[];
  /**
   * Who writes now: the database primary and the failover epoch (promotions so far, from
   * failover.json), the Redis master (Sentinel's majority, or the file's), the last promotion.
   * Null when the topology is not provisioned.
   */
  failover: { epoch: number; mysqlPrimary: string; redisMaster: string; lastPromotion: Promotion | null } | null;
}

const HEALTH_TIMEOUT_MS = 3000;
/** Events shown of a sick app node: enough to see what it lost and what it refused since. */
const RECENT_LOG_EVENTS = 5;

/** Each node: does its process run, and does it answer as its role requires. */
export async function topologyStatus(topology: Topology): Promise<TopologyStatus> {
  const paths = topologyPaths(topology.name);
  const running = RunningTopology.find(topology);
  // Pids are shown also for a topology whose first `up` never finished.
  const runtime = running?.runtime ?? recordedRuntime(topology.name, topology);
  // The data nodes' roles now (a failover moves them), else as the file has them.
  const roles = await running?.roles().catch(() => undefined);
  const nodes = await Promise.all(
    topology.nodes.map(async (node): Promise<NodeStatus> => {
      const ref = nodeRef(paths, node.name);
      const pid = (await runtime.pidOf(ref)) ?? null;
      const processes = pid === null ? [] : await runtime.processesOf(ref);
      const endpoint = endpointOf(runtime.addressing, node);
      const address = hostPort(endpoint.host, endpoint.port);
      const log = paths.node(node.name).logFile;
      const base = { name: node.name, kind: node.kind, role: roles === undefined ? node.role : roleNow(node, roles), server: node.server, port: node.port, address, log, pid, processes, running: pid !== null };
      if (running === undefined) return { ...base, healthy: false, detail: 'not provisioned (run shopctl up)', replication: null, connections: null };
      if (pid === null) return { ...base, healthy: false, detail: 'not running', replication: null, connections: null };
      // A frozen node would only time out its probe: say what it is instead.
      if (await runtime.isPaused(ref)) return { ...base, healthy: false, detail: 'paused (shopctl fault resume or heal thaws it)', replication: null, connections: null };
      const health = await probeHealth(node, running);
      return { ...base, healthy: health.healthy, detail: health.detail, replication: health.replication ?? null, connections: health.connections ?? null };
    }),
  ).then((all) => (running === undefined ? all : all.map(withRecentLog)));
  const faults = running === undefined ? [] : await faultsInForce(paths, runtime);
  // A partition leaves every node answering this CLI: it is no health problem of a node, but the topology is not whole.
  const failover = roles === undefined || running === undefined ? null : { ...roles, lastPromotion: readFailoverState(running.paths)?.promotions.at(-1) ?? null };
  return { topology: topology.name, file: topology.file, provisioned: running !== undefined, healthy: nodes.every((n) => n.healthy) && faults.length === 0, nodes, faults, failover };
}

/** What a sick app said last, from its log file (service/log.ts), so `status` shows why. */
function withRecentLog(node: NodeStatus): NodeStatus {
  if (node.kind !== 'app' || node.healthy) return node;
  return { ...node, recentLog: recentServiceEvents(node.log, RECENT_LOG_EVENTS) };
}

async function probeHealth(node: TopologyNode, running: RunningTopology): Promise<NodeHealth> {
  try {
    return await withDeadline(withKind(node, (kind, n) => kind.health(n, running)), HEALTH_TIMEOUT_MS);
  } catch (error) {
    return { healthy: false, detail: `probe failed: ${(error as Error).message}` };
  }
}
