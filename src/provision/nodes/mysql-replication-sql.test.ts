import { describe, expect, it } from 'vitest';
import { startReplicaStatements } from './mysql-replication-sql.js';

const source = { host: 'mysql-primary', port: 3306, password: 'pw' };

describe('replication statements, by flavor', () => {
  it('MariaDB: CHANGE MASTER with MASTER_USE_GTID from the given position (what runs here)', () => {
    expect(startReplicaStatements('mariadb', source, '0-1-42')).toEqual([
      'STOP SLAVE',
      "SET GLOBAL gtid_slave_pos = '0-1-42'",
      "CHANGE MASTER TO MASTER_HOST = 'mysql-primary', MASTER_PORT = 3306, MASTER_USER = 'shopctl_repl', MASTER_PASSWORD = 'pw', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_HEARTBEAT_PERIOD = 1",
      'START SLAVE',
    ]);
  });

  it('MySQL 8: CHANGE REPLICATION SOURCE with auto-position; a start set becomes gtid_purged (generated only: not run here)', () => {
    const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
    expect(startReplicaStatements('mysql', source, `${uuid}:1-42`)).toEqual([
      'STOP REPLICA',
      'RESET MASTER',
      `SET GLOBAL gtid_purged = '${uuid}:1-42'`,
      "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'mysql-primary', SOURCE_PORT = 3306, SOURCE_USER = 'shopctl_repl', SOURCE_PASSWORD = 'pw', SOURCE_AUTO_POSITION = 1, SOURCE_CONNECT_RETRY = 1, GET_SOURCE_PUBLIC_KEY = 1",
      'START REPLICA',
    ]);
    expect(startReplicaStatements('mysql', source, '')).not.toContain('RESET MASTER');
    expect(startReplicaStatements('mysql', source, '').join(' ')).not.toMatch(/MASTER_|SLAVE/);
  });
});
