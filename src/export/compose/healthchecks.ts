import type { NodeOfKind, TopologyNode } from '../../topology/model.js';
import type { RenderContext } from '../../provision/render-context.js';

export interface ComposeHealthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

/**
 * The compose healthcheck of a node: the probe `up` waits for, run inside the node's own
 * container with the tools its image has (redis-cli, mariadb-admin, node, curl).
 */
export function healthcheckFor(node: TopologyNode, ctx: RenderContext): ComposeHealthcheck {
  const timing = { interval: '2s', timeout: '5s', retries: 30 };
  switch (node.kind) {
    case 'nginx':
      // Through the balancer: an app answered.
      return { test: ['CMD', 'curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${node.port}/healthz`], ...timing, start_period: '10s' };
    case 'app':
      return { test: ['CMD', 'node', '-e', appProbe(node)], ...timing, start_period: '10s' };
    case 'monitor':
      return { test: ['CMD', 'node', '-e', httpProbe(node.port, '/healthz')], ...timing, start_period: '10s' };
    case 'sentinel':
      return { test: ['CMD-SHELL', sentinelProbe(node, ctx)], ...timing, start_period: '10s' };
    case 'redis':
      return { test: ['CMD-SHELL', redisProbe(node, ctx)], ...timing, start_period: '10s' };
    case 'mysql':
      // Answers on its socket (accounts come later, from the init step): mariadb-admin ping
      // succeeds once the server accepts connections, even before root has its password.
      return { test: ['CMD', 'mariadb-admin', `--socket=${ctx.paths.node(node.name).socket}`, 'ping'], ...timing, start_period: '120s' };
  }
}

function appProbe(node: NodeOfKind<'app'>): string {
  return httpProbe(node.port, '/readyz');
}

function httpProbe(port: number, path: string): string {
  return `fetch('http://127.0.0.1:${port}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
}

/**
 * A Sentinel answers and names a master: its port line, digits only (an error such as NOAUTH is
 * text too, and redis-cli exits 0 on it). Its password is read from its mounted config; CONFIG
 * REWRITE writes it in quotes, which the password's base64url alphabet never holds.
 */
function sentinelProbe(node: NodeOfKind<'sentinel'>, ctx: RenderContext): string {
  const config = `${ctx.paths.node(node.name).dir}/sentinel.conf`;
  return `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' ${config} | tr -d '"')" redis-cli -p ${node.port} sentinel get-master-addr-by-name shop | grep -Eq '^[0-9]+$'`;
}

/**
 * The master answers PONG; a replica must also have its link to the master up, unless Sentinel
 * promoted it: a master reports no `master_link_status`, and its probe would fail for good. The
 * password is read from the node's mounted redis.conf, so it appears neither in the compose file
 * nor in `docker inspect`.
 */
function redisProbe(node: NodeOfKind<'redis'>, ctx: RenderContext): string {
  const config = `${ctx.paths.node(node.name).dir}/redis.conf`;
  const cli = `REDISCLI_AUTH="$(sed -n 's/^requirepass //p' ${config} | tr -d '"')" redis-cli -p ${node.port}`;
  return node.replicaOf === undefined ? `${cli} ping | grep -q PONG` : `${cli} info replication | grep -Eq '^(role:master|master_link_status:up)'`;
}
