import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnvironmentError } from '../../errors.js';
import type { NodeOfKind } from '../../topology/model.js';
import type { RunningTopology } from '../../running/running-topology.js';
import type { ProvisionContext } from '../context.js';
import { program, type RenderContext } from '../render-context.js';
import type { NodeHealth, NodeKind } from './node-kind.js';
import { endpointOf } from '../addressing.js';
import { ensurePrivateDir } from '../home.js';
import { runtimeNode, type LaunchSpec } from '../runtime/runtime.js';
import { MYSQL_USERS, SHOP_DATABASE } from '../secrets.js';
import { Wait } from '../wait/wait.js';
import { adminLogin, globalStatus, gtidPosition, isReplicating, replicaStatus } from '../../clients/mysql.js';
import { roleNow } from '../../failover/roles.js';
import { mysqlTmpDir, renderClientConfig, renderMysqlConfig } from './mysql-config.js';

const INSTALL_TIMEOUT_MS = 120_000;

/**
 * A MariaDB server (mariadbd). `prepare` creates the data directory with mariadb-install-db the
 * first time; the accounts, schema and replication are set up topology-wide by
 * `mysql-bootstrap.ts`, once both servers answer.
 */
export const mysqlKind: NodeKind<'mysql'> = {
  programs: ['mariadbd', 'mariadb-install-db', 'mariadb'],

  directories: (node, ctx) => [mysqlTmpDir(ctx.paths.node(node.name))],

  files(node, ctx) {
    return [
      { path: configFile(ctx, node), content: renderMysqlConfig(node, ctx), secret: true },
      { path: clientConfigFile(ctx, node), content: renderClientConfig(endpointOf(ctx.addressing, node), MYSQL_USERS.admin, ctx.secrets.mysqlAdminPassword, SHOP_DATABASE), secret: true },
    ];
  },

  async initialize(node, ctx) {
    ensurePrivateDir(dirname(ctx.paths.node(node.name).socket));
    if (!existsSync(initializedMarker(ctx, node))) await installDataDirectory(node, ctx);
  },

  launch(node, ctx) {
    const args = [`--defaults-file=${configFile(ctx, node)}`];
    if (ctx.runningAsRoot) args.push('--user=root');
    return { command: program(ctx, 'mariadbd'), args };
  },

  readiness(node, ctx) {
    const endpoint = endpointOf(ctx.addressing, node);
    // Before it is secured shopctl has no account there: a refused login proves it answers.
    if (!isSecured(ctx, node)) return [Wait.forMysqlAnswering(node.name, endpoint)];
    const login = adminLogin(endpoint, ctx.secrets);
    const ping = Wait.forMysqlPing(node.name, login);
    // A node demoted by a failover is pointed at the new primary by whoever promoted it, after its start.
    const replicating = roleNow(node, ctx.roles) === 'replica' && existsSync(replicatingMarker(ctx, node));
    return replicating ? [ping, Wait.forMysqlReplicaRunning(node.name, login)] : [ping];
  },

  health: (node, running) => mysqlHealth(node, running),
};

export function configFile(ctx: RenderContext, node: NodeOfKind<'mysql'>): string {
  return join(ctx.paths.node(node.name).dir, 'my.cnf');
}

/** Option file with the admin login, for `shopctl shell`. */
export function clientConfigFile(ctx: Pick<RenderContext, 'paths'>, node: NodeOfKind<'mysql'>): string {
  return join(ctx.paths.node(node.name).dir, 'client.cnf');
}

export const initializedMarker = (ctx: RenderContext, node: NodeOfKind<'mysql'>) => join(ctx.paths.node(node.name).dir, 'initialized');
const securedMarker = (ctx: RenderContext, node: NodeOfKind<'mysql'>) => join(ctx.paths.node(node.name).dir, 'secured');
const replicatingMarker = (ctx: Pick<RenderContext, 'paths'>, node: NodeOfKind<'mysql'>) => join(ctx.paths.node(node.name).dir, 'replicating');

export function isSecured(ctx: RenderContext, node: NodeOfKind<'mysql'>): boolean {
  return existsSync(securedMarker(ctx, node));
}

export function markSecured(ctx: RenderContext, node: NodeOfKind<'mysql'>): void {
  writeFileSync(securedMarker(ctx, node), `${new Date().toISOString()}\n`);
}

export function markReplicating(ctx: Pick<RenderContext, 'paths'>, node: NodeOfKind<'mysql'>): void {
  writeFileSync(replicatingMarker(ctx, node), `${new Date().toISOString()}\n`);
}

/** A half-written data directory (a killed install) is wiped and made again. */
async function installDataDirectory(node: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<void> {
  const target = runtimeNode(ctx.paths, node);
  rmSync(target.paths.dataDir, { recursive: true, force: true });
  mkdirSync(target.paths.dataDir, { recursive: true });
  const result = await ctx.runtime.runTask(target, installSpec(node, ctx), { timeoutMs: INSTALL_TIMEOUT_MS, signal: ctx.signal });
  if (result.code !== 0) {
    throw new EnvironmentError(`${node.name}: mariadb-install-db failed (exit ${String(result.code)})`, installFailureLines(result.output));
  }
  writeFileSync(initializedMarker(ctx, node), `${new Date().toISOString()}\n`);
}

/** mariadb-install-db for the node's (empty) data directory: root may log in by socket, no password yet. */
export function installSpec(node: NodeOfKind<'mysql'>, ctx: RenderContext): LaunchSpec {
  const args = [`--defaults-file=${configFile(ctx, node)}`, '--auth-root-authentication-method=normal', '--skip-test-db'];
  if (ctx.runningAsRoot) args.push('--user=root');
  return { command: program(ctx, 'mariadb-install-db'), args };
}

/** The server's own error lines when it printed any (the installer's boilerplate follows them). */
function installFailureLines(output: string): string[] {
  const lines = output.trim().split('\n');
  const errors = lines.filter((line) => /\[ERROR\]|ERROR:|error/i.test(line) && !/jira|bug report/i.test(line));
  return (errors.length > 0 ? errors : lines).slice(-10);
}

async function mysqlHealth(node: NodeOfKind<'mysql'>, running: RunningTopology): Promise<NodeHealth> {
  const role = roleNow(node, await running.roles());
  return running.withMysql(node, async (c): Promise<NodeHealth> => {
    const connections = (await globalStatus(c, 'Threads_connected')) || 0;
    if (role === 'primary') {
      const gtid = await gtidPosition(c, 'gtid_binlog_pos');
      if (running.topology.ha.mysql.replication !== 'semisync') return { healthy: true, detail: `primary, gtid ${gtid}`, replication: { role: 'primary', gtidBinlogPos: gtid }, connections };
      // Semisync without fallback: a primary no replica acknowledges blocks every commit; say so.
      const acknowledging = await globalStatus(c, 'Rpl_semi_sync_master_clients');
      const waiting = await globalStatus(c, 'Rpl_semi_sync_master_wait_sessions');
      const detail = acknowledging > 0 ? `primary, gtid ${gtid}, semisync: ${acknowledging} replica(s) acknowledging` : `primary, gtid ${gtid}, semisync: no replica acknowledging, commits wait (${waiting} waiting)`;
      return { healthy: acknowledging > 0, detail, replication: { role: 'primary', gtidBinlogPos: gtid, semisyncReplicas: acknowledging, semisyncWaiting: waiting }, connections };
    }
    const status = await replicaStatus(c);
    if (status === undefined) return { healthy: false, detail: 'replication not configured', replication: { role: 'replica' }, connections };
    const healthy = isReplicating(status);
    const { ioRunning, sqlRunning, secondsBehind, gtidSlavePos, lastError } = status;
    return {
      healthy,
      detail: healthy ? `replicating, ${secondsBehind ?? '?'}s behind` : `IO ${ioRunning}, SQL ${sqlRunning}${lastError ? `: ${lastError}` : ''}`,
      replication: { role: 'replica', ioRunning, sqlRunning, secondsBehind, gtidSlavePos },
      connections,
    };
  });
}
