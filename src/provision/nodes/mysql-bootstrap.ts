import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { allSettledOrThrow } from '../../async/all-settled.js';
import { EnvironmentError } from '../../errors.js';
import { primaryOf, replicasOf, type NodeOfKind } from '../../topology/model.js';
import { accountHost, endpointOf, peerHost } from '../addressing.js';
import { adminLogin, gtidPosition, withMysql } from '../../clients/mysql.js';
import type { ProvisionContext } from '../context.js';
import { program, type RenderContext } from '../render-context.js';
import { runtimeNode } from '../runtime/runtime.js';
import { NotReady, retryUntil } from '../wait/retry.js';
import { Wait, waitUntilReady } from '../wait/wait.js';
import { seedCatalog } from './catalog.js';
import { isSecured, markReplicating, markSecured } from './mysql.js';
import { startReplicaStatements, type ReplicationSource } from './mysql-replication-sql.js';
import { SCHEMA_STATEMENTS, appAccountStatements, secureServerStatements, type ServerPasswords } from './mysql-schema.js';

const CATCH_UP_TIMEOUT_MS = 60_000;
const SECURE_TIMEOUT_MS = 30_000;

/**
 * First-`up` setup of the databases, once every server answers: secure each server, point the
 * replicas at the primary from its current GTID position, then create accounts, schema and
 * catalog on the primary only, so the replicas receive them through replication, the path
 * every later write takes. Returns the number of products seeded.
 */
export async function bootstrapDatabases(ctx: ProvisionContext): Promise<number> {
  const primary = primaryOf(ctx.topology, 'mysql');
  const replicas = replicasOf(ctx.topology, 'mysql');
  await allSettledOrThrow([primary, ...replicas].map((node) => secureServer(node, ctx)));
  const startPosition = await gtidBinlogPos(primary, ctx);
  for (const replica of replicas) await startReplication(replica, primary, startPosition, ctx);
  const products = await withMysql(adminLogin(endpointOf(ctx.addressing, primary), ctx.secrets), async (c) => {
    await runAll(c, primaryStatements(ctx));
    return seedCatalog(c, ctx.topology.catalog);
  });
  for (const replica of replicas) await waitForCatchUp(replica, primary, ctx);
  return products;
}

/**
 * Before it is secured, root may log in only by the server's socket, and only on the server's
 * own machine: the statements run as a one-off task beside the server (a process here, or a
 * container on the node's engine), from a 0600 file in the node's folder, never a command line.
 */
async function secureServer(node: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<void> {
  if (isSecured(ctx, node)) return;
  const target = runtimeNode(ctx.paths, node);
  const { paths } = target;
  const script = join(paths.dir, 'secure.sql');
  const statements = secureServerStatements(serverPasswords(ctx.secrets), accountHost(ctx.addressing));
  writeFileSync(script, `${statements.join(';\n')};\n`, { mode: 0o600 });
  try {
    const args = ['--no-defaults', '--user=root', `--socket=${paths.socket}`, '--batch', `--execute=source ${script}`];
    const result = await ctx.runtime.runTask(target, { command: program(ctx, 'mariadb'), args }, { timeoutMs: SECURE_TIMEOUT_MS, signal: ctx.signal });
    if (result.code !== 0) throw new EnvironmentError(`${node.name}: securing the server failed (mariadb exited ${String(result.code)})`, result.output.trim().split('\n').slice(-5));
  } finally {
    rmSync(script, { force: true });
  }
  markSecured(ctx, node);
}

async function startReplication(replica: NodeOfKind<'mysql'>, primary: NodeOfKind<'mysql'>, startPosition: string, ctx: ProvisionContext): Promise<void> {
  await withMysql(adminLogin(endpointOf(ctx.addressing, replica), ctx.secrets), (c) => runAll(c, startReplicaStatements(replica.flavor, replicationSource(primary, ctx), startPosition)));
  markReplicating(ctx, replica);
}

/** The primary as its replicas reach it. */
export function replicationSource(primary: NodeOfKind<'mysql'>, ctx: Pick<RenderContext, 'addressing' | 'secrets'>): ReplicationSource {
  return { host: peerHost(ctx.addressing, primary), port: primary.port, password: ctx.secrets.mysqlReplicationPassword };
}

/** Schema and the app's account, made on the primary only (replicas get them through replication). */
export function primaryStatements(ctx: Pick<RenderContext, 'addressing' | 'secrets' | 'topology'>): string[] {
  return [...SCHEMA_STATEMENTS, ...appAccountStatements(ctx.secrets.mysqlAppPassword, accountHost(ctx.addressing), ctx.topology.limits.connectionsPerDatabase)];
}

export function serverPasswords(secrets: RenderContext['secrets']): ServerPasswords {
  return { root: secrets.mysqlRootPassword, admin: secrets.mysqlAdminPassword, replication: secrets.mysqlReplicationPassword };
}

/** Bounded wait until the replica has applied everything the primary has written. */
export async function waitForCatchUp(replica: NodeOfKind<'mysql'>, primary: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<void> {
  await waitUntilReady([Wait.forMysqlReplicaRunning(replica.name, adminLogin(endpointOf(ctx.addressing, replica), ctx.secrets))], { timeoutMs: CATCH_UP_TIMEOUT_MS, signal: ctx.signal });
  const target = await gtidBinlogPos(primary, ctx);
  await retryUntil(
    `${replica.name} catches up with ${primary.name} (GTID ${target})`,
    () =>
      withMysql(adminLogin(endpointOf(ctx.addressing, replica), ctx.secrets), async (c) => {
        const position = await gtidPosition(c, 'gtid_slave_pos');
        if (position !== target) throw new NotReady(`replica at GTID ${position}`);
      }),
    { timeoutMs: CATCH_UP_TIMEOUT_MS, signal: ctx.signal },
  );
}

function gtidBinlogPos(node: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<string> {
  return withMysql(adminLogin(endpointOf(ctx.addressing, node), ctx.secrets), (c) => gtidPosition(c, 'gtid_binlog_pos'));
}

async function runAll(connection: Connection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await connection.query(statement);
}
