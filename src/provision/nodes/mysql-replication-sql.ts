import { MYSQL_USERS } from '../secrets.js';

export type MysqlFlavor = 'mariadb' | 'mysql';

export interface ReplicationSource {
  host: string;
  port: number;
  password: string;
}

/**
 * Statements that point a replica at its primary by GTID, for either flavor, from one place:
 * - MariaDB (run and tested here): `CHANGE MASTER TO … MASTER_USE_GTID = slave_pos`, starting
 *   from `startPosition` set as `gtid_slave_pos`, a heartbeat every second (a silent primary
 *   is noticed within seconds: the failover monitor's second opinion, docs/failover.md).
 * - MySQL 8.0.23+ (generated and unit-tested only; Debian ships no MySQL 8): `CHANGE
 *   REPLICATION SOURCE TO … SOURCE_AUTO_POSITION = 1`, the start set given as `gtid_purged`
 *   after `RESET MASTER` on the fresh replica. GET_SOURCE_PUBLIC_KEY lets the replication
 *   account use caching_sha2_password without TLS.
 */
export function startReplicaStatements(flavor: MysqlFlavor, source: ReplicationSource, startPosition: string): string[] {
  const user = MYSQL_USERS.replication;
  if (flavor === 'mysql') {
    return [
      'STOP REPLICA',
      ...(startPosition === '' ? [] : ['RESET MASTER', `SET GLOBAL gtid_purged = '${startPosition}'`]),
      `CHANGE REPLICATION SOURCE TO SOURCE_HOST = '${source.host}', SOURCE_PORT = ${source.port}, SOURCE_USER = '${user}', ` +
        `SOURCE_PASSWORD = '${source.password}', SOURCE_AUTO_POSITION = 1, SOURCE_CONNECT_RETRY = 1, GET_SOURCE_PUBLIC_KEY = 1`,
      'START REPLICA',
    ];
  }
  return [
    'STOP SLAVE',
    `SET GLOBAL gtid_slave_pos = '${startPosition}'`,
    `CHANGE MASTER TO MASTER_HOST = '${source.host}', MASTER_PORT = ${source.port}, MASTER_USER = '${user}', ` +
      `MASTER_PASSWORD = '${source.password}', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_HEARTBEAT_PERIOD = 1`,
    'START SLAVE',
  ];
}
