import type { z } from 'zod';
import { budgetInput, resolvedWorkers } from './app-settings.js';
import { poolBudget } from './pool-budget.js';
import type { TopologyFile } from './schema.js';

type Issue = { path: (string | number)[]; message: string };

/**
 * Rules that span several keys of a topology file. Each returns issues with the key path that a
 * user has to change, so the loader can name it.
 */
export function topologyIssues(t: TopologyFile, cores: number): Issue[] {
  return [...serverIssues(t), ...portIssues(t), ...roleIssues(t), ...upstreamIssues(t), ...haIssues(t), ...poolIssues(t, resolvedWorkers(t, cores))];
}

/** The refinement for a topology loaded on a machine with `cores` (the default app.workers). */
export function refineTopology(cores: number): (t: TopologyFile, ctx: z.RefinementCtx) => void {
  return (t, ctx) => {
    for (const issue of topologyIssues(t, cores)) ctx.addIssue({ code: 'custom', ...issue });
  };
}

function serverIssues(t: TopologyFile): Issue[] {
  const issues: Issue[] = [];
  const servers = Object.entries(t.servers);
  if (servers.length > t.limits.maxServers) {
    issues.push({ path: ['servers'], message: `expected at most limits.maxServers = ${t.limits.maxServers} servers, found ${servers.length}` });
  }
  const placed = new Map<string, string>();
  for (const [server, members] of servers) {
    members.forEach((member, i) => {
      if (!(member in t.nodes)) issues.push({ path: ['servers', server, i], message: `unknown node "${member}"` });
      const other = placed.get(member);
      if (other !== undefined) issues.push({ path: ['servers', server, i], message: `node "${member}" is already on server "${other}"` });
      placed.set(member, server);
    });
  }
  for (const name of Object.keys(t.nodes)) {
    if (!placed.has(name)) issues.push({ path: ['servers'], message: `node "${name}" is on no server; list it under one` });
  }
  for (const server of Object.keys(t.docker.hosts)) {
    if (!(server in t.servers)) issues.push({ path: ['docker', 'hosts', server], message: `unknown server "${server}"; the servers are ${Object.keys(t.servers).join(', ')}` });
  }
  // A bridge network lives on one engine: its containers cannot reach another engine's.
  const engines = new Set(Object.keys(t.servers).map((server) => t.docker.hosts[server] ?? 'DOCKER_HOST'));
  if (t.docker.network === 'bridge' && engines.size > 1) {
    issues.push({ path: ['docker', 'network'], message: `expected host when docker.hosts places servers on ${engines.size} engines (a bridge network spans one engine)` });
  }
  return issues;
}

function portIssues(t: TopologyFile): Issue[] {
  const owner = new Map<number, string>();
  const issues: Issue[] = [];
  for (const [name, node] of Object.entries(t.nodes)) {
    const other = owner.get(node.port);
    if (other !== undefined) issues.push({ path: ['nodes', name, 'port'], message: `port ${node.port} is also node "${other}"'s` });
    owner.set(node.port, name);
  }
  return issues;
}

function roleIssues(t: TopologyFile): Issue[] {
  const issues: Issue[] = [];
  for (const kind of ['redis', 'mysql'] as const) {
    const nodes = Object.entries(t.nodes).filter(([, n]) => n.kind === kind);
    const primaries = nodes.filter(([, n]) => n.kind === kind && n.replicaOf === undefined);
    if (primaries.length !== 1) {
      issues.push({ path: ['nodes'], message: `expected exactly one ${kind} node without replicaOf (the primary), found ${primaries.length}` });
    }
    for (const [name, node] of nodes) {
      if (node.kind !== kind || node.replicaOf === undefined) continue;
      const source = t.nodes[node.replicaOf];
      if (source === undefined || source.kind !== kind) {
        issues.push({ path: ['nodes', name, 'replicaOf'], message: `expected the name of a ${kind} node, got "${node.replicaOf}"` });
      } else if ('replicaOf' in source && source.replicaOf !== undefined) {
        issues.push({ path: ['nodes', name, 'replicaOf'], message: `"${node.replicaOf}" is itself a replica; chained replication is not supported` });
      }
    }
  }
  return issues;
}

function upstreamIssues(t: TopologyFile): Issue[] {
  const issues: Issue[] = [];
  const balancers = Object.entries(t.nodes).filter(([, n]) => n.kind === 'nginx');
  if (balancers.length !== 1) issues.push({ path: ['nodes'], message: `expected exactly one nginx node, found ${balancers.length}` });
  for (const [name, node] of balancers) {
    if (node.kind !== 'nginx') continue;
    node.upstreams.forEach((upstream, i) => {
      if (t.nodes[upstream]?.kind !== 'app') {
        issues.push({ path: ['nodes', name, 'upstreams', i], message: `expected the name of an app node, got "${upstream}"` });
      }
    });
  }
  return issues;
}

/** Sentinel's quorum of 2 needs 3 voters: 2 cannot tell a dead master from a cut-off Sentinel. */
export const SENTINELS = 3;

/** The `ha` keys against the nodes they need (docs/failover.md). */
function haIssues(t: TopologyFile): Issue[] {
  const issues: Issue[] = [];
  const named = (kind: string) => Object.entries(t.nodes).filter(([, n]) => n.kind === kind).map(([name]) => name);
  const hasReplica = (kind: 'redis' | 'mysql') => Object.values(t.nodes).some((n) => n.kind === kind && n.replicaOf !== undefined);
  const sentinels = named('sentinel');
  if (t.ha.redis === 'sentinel') {
    if (sentinels.length !== SENTINELS) issues.push({ path: ['ha', 'redis'], message: `expected ${SENTINELS} nodes of kind sentinel for ha.redis: sentinel (quorum 2), found ${sentinels.length}` });
    if (!hasReplica('redis')) issues.push({ path: ['ha', 'redis'], message: 'expected a redis node with replicaOf: Sentinel promotes a replica' });
  } else {
    for (const name of sentinels) issues.push({ path: ['nodes', name, 'kind'], message: 'a sentinel node needs ha.redis: sentinel' });
  }
  const monitors = named('monitor');
  if (t.ha.mysql.failover === 'auto') {
    if (monitors.length !== 1) issues.push({ path: ['ha', 'mysql', 'failover'], message: `expected one node of kind monitor for ha.mysql.failover: auto, found ${monitors.length}` });
    if (!hasReplica('mysql')) issues.push({ path: ['ha', 'mysql', 'failover'], message: 'expected a mysql node with replicaOf: the monitor promotes a replica' });
  } else {
    for (const name of monitors) issues.push({ path: ['nodes', name, 'kind'], message: 'a monitor node needs ha.mysql.failover: auto' });
  }
  if (t.ha.mysql.replication === 'semisync') {
    if (!hasReplica('mysql')) issues.push({ path: ['ha', 'mysql', 'replication'], message: 'expected a mysql node with replicaOf: semisync waits for a replica to acknowledge' });
    const mysql8 = Object.entries(t.nodes).find(([, n]) => n.kind === 'mysql' && n.flavor === 'mysql');
    if (mysql8 !== undefined) issues.push({ path: ['nodes', mysql8[0], 'flavor'], message: 'semisync is implemented for MariaDB only' });
  }
  return issues;
}

/** The budget over the resolved app.workers: `workers` is the file's, or the machine's default. */
function poolIssues(t: TopologyFile, workers: number): Issue[] {
  return poolBudget(budgetInput(t, workers)).issues;
}
