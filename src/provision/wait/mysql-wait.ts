import type { ConnectionOptions } from 'mysql2/promise';
import { isReplicating, replicaStatus, withMysql } from '../nodes/mysql-client.js';
import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/** The server accepts a login and answers a ping. */
export function mysqlPingWait(description: string, login: ConnectionOptions): WaitStrategy {
  return {
    description: `${description} answers ping`,
    check: () => withMysql(login, (c) => c.ping()),
  };
}

/** Both replication threads of a replica run (`Slave_IO_Running` and `Slave_SQL_Running` = Yes). */
export function mysqlReplicaRunningWait(description: string, login: ConnectionOptions): WaitStrategy {
  return {
    description: `${description}: replication IO and SQL threads running`,
    check: () =>
      withMysql(login, async (c) => {
        const status = await replicaStatus(c);
        if (status === undefined) throw new NotReady('replication is not configured');
        if (!isReplicating(status)) {
          throw new NotReady(`Slave_IO_Running=${status.ioRunning} Slave_SQL_Running=${status.sqlRunning} ${status.lastError}`.trim());
        }
      }),
  };
}
