import { EnvironmentError, UsageError } from '../errors.js';
import { RunningTopology } from '../running/running-topology.js';
import { roleNow } from '../failover/roles.js';
import { findNode, nodesOfKind, type Topology, type TopologyNode } from '../topology/model.js';
import { requirePrograms } from './binaries.js';
import { clientConfigFile } from './nodes/mysql.js';

export interface ClientInvocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Fed on stdin (redis-cli reads one command per line when stdin is not a terminal). */
  input?: string;
}

/** Words `shell` takes for a node: the one holding that role now (a node's own name wins). */
export const ROLE_WORDS = ['primary', 'replica', 'redis-master', 'redis-replica'] as const;

/**
 * The node's own client, logged in as shopctl's admin and in the service's database: `mariadb`
 * for mysql nodes, `redis-cli` for redis and sentinel nodes. `nodeName` may be a role word
 * (ROLE_WORDS): the database's or Redis's current holder of it. Passwords go through an option
 * file or the environment, never the command line.
 */
export async function clientFor(topology: Topology, nodeName: string, statements: string | undefined): Promise<ClientInvocation> {
  const running = RunningTopology.find(topology);
  const named = findNode(topology, nodeName);
  if (named === undefined && !isRoleWord(nodeName)) {
    throw new UsageError(`no node "${nodeName}" in topology ${topology.name}`, [`nodes: ${topology.nodes.map((n) => n.name).join(', ')}`, `or a role: ${ROLE_WORDS.join(', ')}`]);
  }
  if (running === undefined) throw new EnvironmentError(`topology ${topology.name} is not up; run: shopctl up`);
  const node = named ?? (await nodeInRole(topology, running, nodeName as RoleWord));
  if (!(await running.runtime.isRunning(running.node(node)))) {
    throw new EnvironmentError(`node ${node.name} is not running; run: shopctl up`);
  }
  switch (node.kind) {
    case 'mysql': {
      const { mariadb } = requirePrograms(['mariadb']);
      const args = [`--defaults-file=${clientConfigFile(running, node)}`];
      if (statements !== undefined) args.push('-e', statements);
      return { command: mariadb, args, env: {} };
    }
    case 'redis':
    case 'sentinel': {
      const { 'redis-cli': redisCli } = requirePrograms(['redis-cli']);
      const endpoint = running.endpoint(node);
      const args = ['-h', endpoint.host, '-p', String(endpoint.port)];
      return { command: redisCli, args, env: { REDISCLI_AUTH: running.secrets.redisPassword }, ...(statements === undefined ? {} : { input: `${statements}\n` }) };
    }
    default:
      throw new UsageError(`node ${node.name} is ${node.kind}; shell opens mysql, redis and sentinel nodes`, [`try: curl ${running.origin(node)}/healthz`]);
  }
}

type RoleWord = (typeof ROLE_WORDS)[number];

function isRoleWord(word: string): word is RoleWord {
  return (ROLE_WORDS as readonly string[]).includes(word);
}

/** The node holding `role` now (`running.roles()`: after a failover, not the file's). */
async function nodeInRole(topology: Topology, running: RunningTopology, role: RoleWord): Promise<TopologyNode> {
  const roles = await running.roles();
  const kind = role.startsWith('redis-') ? 'redis' : 'mysql';
  const wanted = role.endsWith('replica') ? 'replica' : 'primary';
  const node = nodesOfKind(topology, kind).find((n) => roleNow(n, roles) === wanted);
  if (node === undefined) throw new UsageError(`topology ${topology.name} has no ${kind} node that is ${wanted} now`, [`nodes: ${nodesOfKind(topology, kind).map((n) => n.name).join(', ')}`]);
  return node;
}
