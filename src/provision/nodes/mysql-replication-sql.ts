import { MYSQL_USERS } from '../secrets.js';

export interface ReplicationSource {
  port: number;
  password: string;
}

/**
 * Statements that point a replica at its primary by GTID. MariaDB (tested here) uses
 * `CHANGE MASTER … MASTER_USE_GTID`; MySQL 8 syntax comes with the docker driver.
 */
export function startReplicaStatements(source: ReplicationSource, startPosition: string): string[] {
  return [
    'STOP SLAVE',
    `SET GLOBAL gtid_slave_pos = '${startPosition}'`,
    `CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${source.port}, MASTER_USER = '${MYSQL_USERS.replication}', ` +
      `MASTER_PASSWORD = '${source.password}', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`,
    'START SLAVE',
  ];
}
