import type { ConnectionOptions } from 'mysql2/promise';
import type { Endpoint } from '../addressing.js';
import { isReplicating, replicaStatus, withMysql } from '../../clients/mysql.js';
import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/** The server accepts a login and answers a ping. */
export function mysqlPingWait(description: string, login: ConnectionOptions): WaitStrategy {
  return {
    description: `${description} answers ping`,
    check: () => withMysql(login, (c) => c.ping()),
  };
}

/** MariaDB's "access denied" and "host not allowed": the server answered the handshake. */
const REFUSED_LOGIN = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_HOST_NOT_PRIVILEGED', 'ER_DBACCESS_DENIED_ERROR']);

/**
 * The server accepts connections and answers the handshake, before any account of shopctl's
 * exists: a login with an account that does not exist is refused by a server that runs.
 */
export function mysqlAnsweringWait(description: string, endpoint: Endpoint): WaitStrategy {
  return {
    description: `${description} answers on ${endpoint.host}:${endpoint.port}`,
    check: async () => {
      try {
        await withMysql({ host: endpoint.host, port: endpoint.port, user: 'shopctl_probe', password: 'none' }, (c) => c.ping());
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!REFUSED_LOGIN.has(code)) throw new NotReady(`${code || (error as Error).message}`);
      }
    },
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
