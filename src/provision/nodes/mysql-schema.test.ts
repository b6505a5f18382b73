import { describe, expect, it } from 'vitest';
import { RESERVED_DB_CONNECTIONS } from '../../topology/pool-budget.js';
import { appAccountStatements } from './mysql-schema.js';

describe("the app's database account", () => {
  it('may not take the connections kept for admin, replication and audits (threads of connections the app cut off included)', () => {
    const [create] = appAccountStatements('pw', '127.0.0.1', 300);
    expect(create).toBe(`CREATE USER IF NOT EXISTS 'shopctl_app'@'127.0.0.1' IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS ${300 - RESERVED_DB_CONNECTIONS}`);
  });
});
