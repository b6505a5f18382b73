import type { Topology, TopologyNode } from '../topology/model.js';
import { provisionContext, type NodeHealth, type ProvisionContext } from './context.js';
import { topologyPaths } from './home.js';
import { withKind } from './nodes/kinds.js';
import { ProcessRuntime } from './runtime/process-runtime.js';
import { readSecrets } from './secrets.js';
import { readState } from './state.js';
import { existsSync } from 'node:fs';

export interface NodeStatus {
  name: string;
  kind: TopologyNode['kind'];
  role: TopologyNode['role'];
  server: string;
  port: number;
  pid: number | null;
  running: boolean;
  healthy: boolean;
  detail: string;
  replication: NodeHealth['replication'] | null;
  connections: number | null;
}

export interface TopologyStatus {
  topology: string;
  file: string;
  up: boolean;
  healthy: boolean;
  nodes: NodeStatus[];
}

const HEALTH_TIMEOUT_MS = 3000;

/** Each node: does its process run, and does it answer as its role requires. */
export async function topologyStatus(topology: Topology): Promise<TopologyStatus> {
  const paths = topologyPaths(topology.name);
  const state = readState(paths);
  const runtime = new ProcessRuntime();
  const ctx: ProvisionContext | undefined =
    state?.bootstrappedAt !== undefined && existsSync(paths.secretsFile) ? provisionContext(topology, paths, readSecrets(paths.secretsFile), runtime) : undefined;
  const nodes = await Promise.all(
    topology.nodes.map(async (node): Promise<NodeStatus> => {
      const pid = runtime.pidOf(paths.node(node.name)) ?? null;
      const base = { name: node.name, kind: node.kind, role: node.role, server: node.server, port: node.port, pid, running: pid !== null };
      if (ctx === undefined) return { ...base, healthy: false, detail: 'not provisioned (run shopctl up)', replication: null, connections: null };
      if (pid === null) return { ...base, healthy: false, detail: 'not running', replication: null, connections: null };
      const health = await probeHealth(node, ctx);
      return { ...base, healthy: health.healthy, detail: health.detail, replication: health.replication ?? null, connections: health.connections ?? null };
    }),
  );
  return { topology: topology.name, file: topology.file, up: ctx !== undefined, healthy: nodes.every((n) => n.healthy), nodes };
}

async function probeHealth(node: TopologyNode, ctx: ProvisionContext): Promise<NodeHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<NodeHealth>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false, detail: `no answer within ${HEALTH_TIMEOUT_MS / 1000}s` }), HEALTH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([withKind(node, (kind, n) => kind.health(n, ctx)), timeout]);
  } catch (error) {
    return { healthy: false, detail: `probe failed: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
