import { EnvironmentError, UsageError } from '../errors.js';
import { RunningTopology } from '../running/running-topology.js';
import { findNode, type Topology } from '../topology/model.js';
import { requirePrograms } from './binaries.js';
import { clientConfigFile } from './nodes/mysql.js';

export interface ClientInvocation {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Fed on stdin (redis-cli reads one command per line when stdin is not a terminal). */
  input?: string;
}

/**
 * The node's own client, logged in as shopctl's admin and in the service's database: `mariadb`
 * for mysql nodes, `redis-cli` for redis nodes. Passwords go through an option file or the
 * environment, never the command line.
 */
export async function clientFor(topology: Topology, nodeName: string, statements: string | undefined): Promise<ClientInvocation> {
  const node = findNode(topology, nodeName);
  if (node === undefined) {
    throw new UsageError(`no node "${nodeName}" in topology ${topology.name}`, [`nodes: ${topology.nodes.map((n) => n.name).join(', ')}`]);
  }
  const running = RunningTopology.find(topology);
  if (running === undefined) throw new EnvironmentError(`topology ${topology.name} is not up; run: shopctl up`);
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
    case 'redis': {
      const { 'redis-cli': redisCli } = requirePrograms(['redis-cli']);
      const endpoint = running.endpoint(node);
      const args = ['-h', endpoint.host, '-p', String(endpoint.port)];
      return { command: redisCli, args, env: { REDISCLI_AUTH: running.secrets.redisPassword }, ...(statements === undefined ? {} : { input: `${statements}\n` }) };
    }
    default:
      throw new UsageError(`node ${node.name} is ${node.kind}; shell opens mysql and redis nodes`, [`try: curl ${running.origin(node)}/healthz`]);
  }
}
