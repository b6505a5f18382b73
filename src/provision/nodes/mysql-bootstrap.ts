import type { Connection } from 'mysql2/promise';
import { primaryOf, replicasOf, type NodeOfKind } from '../../topology/model.js';
import { accountHost, peerHost } from '../addressing.js';
import type { ProvisionContext } from '../context.js';
import { NotReady, retryUntil } from '../wait/retry.js';
import { Wait, waitUntilReady } from '../wait/wait.js';
import { seedCatalog } from './catalog.js';
import { isSecured, markReplicating, markSecured } from './mysql.js';
import { adminLogin, gtidPosition, rootSocketLogin, withMysql } from './mysql-client.js';
import { startReplicaStatements, type ReplicationSource } from './mysql-replication-sql.js';
import { SCHEMA_STATEMENTS, appAccountStatements, replicationAccountStatements, secureServerStatements } from './mysql-schema.js';

const CATCH_UP_TIMEOUT_MS = 60_000;

/**
 * First-`up` setup of the databases, once every server answers: secure each server, point the
 * replicas at the primary from its current GTID position, then create accounts, schema and
 * catalog on the primary only, so the replicas receive them through replication, the path
 * every later write takes. Returns the number of products seeded.
 */
export async function bootstrapDatabases(ctx: ProvisionContext): Promise<number> {
  const primary = primaryOf(ctx.topology, 'mysql');
  const replicas = replicasOf(ctx.topology, 'mysql');
  await Promise.all([primary, ...replicas].map((node) => secureServer(node, ctx)));
  const startPosition = await gtidBinlogPos(primary, ctx);
  for (const replica of replicas) await startReplication(replica, primary, startPosition, ctx);
  const products = await withMysql(adminLogin(primary, ctx.secrets), async (c) => {
    await runAll(c, primaryStatements(ctx));
    return seedCatalog(c, ctx.topology.catalog);
  });
  for (const replica of replicas) await waitForCatchUp(replica, primary, ctx);
  return products;
}

async function secureServer(node: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<void> {
  if (isSecured(ctx, node)) return;
  await withMysql(rootSocketLogin(ctx.paths.node(node.name), undefined), (c) =>
    runAll(c, secureServerStatements(ctx.secrets.mysqlRootPassword, ctx.secrets.mysqlAdminPassword, accountHost(ctx.addressing))),
  );
  markSecured(ctx, node);
}

async function startReplication(replica: NodeOfKind<'mysql'>, primary: NodeOfKind<'mysql'>, startPosition: string, ctx: ProvisionContext): Promise<void> {
  await withMysql(adminLogin(replica, ctx.secrets), (c) => runAll(c, startReplicaStatements(replica.flavor, replicationSource(primary, ctx), startPosition)));
  markReplicating(ctx, replica);
}

/** The primary as its replicas reach it. */
export function replicationSource(primary: NodeOfKind<'mysql'>, ctx: Pick<ProvisionContext, 'addressing' | 'secrets'>): ReplicationSource {
  return { host: peerHost(ctx.addressing, primary), port: primary.port, password: ctx.secrets.mysqlReplicationPassword };
}

/** Accounts and schema, made on the primary only (replicas get them through replication). */
export function primaryStatements(ctx: Pick<ProvisionContext, 'addressing' | 'secrets'>): string[] {
  const host = accountHost(ctx.addressing);
  return [...replicationAccountStatements(ctx.secrets.mysqlReplicationPassword, host), ...SCHEMA_STATEMENTS, ...appAccountStatements(ctx.secrets.mysqlAppPassword, host)];
}

/** Bounded wait until the replica has applied everything the primary has written. */
export async function waitForCatchUp(replica: NodeOfKind<'mysql'>, primary: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<void> {
  await waitUntilReady([Wait.forMysqlReplicaRunning(replica.name, adminLogin(replica, ctx.secrets))], { timeoutMs: CATCH_UP_TIMEOUT_MS, signal: ctx.signal });
  const target = await gtidBinlogPos(primary, ctx);
  await retryUntil(
    `${replica.name} catches up with ${primary.name} (GTID ${target})`,
    () =>
      withMysql(adminLogin(replica, ctx.secrets), async (c) => {
        const position = await gtidPosition(c, 'gtid_slave_pos');
        if (position !== target) throw new NotReady(`replica at GTID ${position}`);
      }),
    { timeoutMs: CATCH_UP_TIMEOUT_MS, signal: ctx.signal },
  );
}

function gtidBinlogPos(node: NodeOfKind<'mysql'>, ctx: ProvisionContext): Promise<string> {
  return withMysql(adminLogin(node, ctx.secrets), (c) => gtidPosition(c, 'gtid_binlog_pos'));
}

async function runAll(connection: Connection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await connection.query(statement);
}
