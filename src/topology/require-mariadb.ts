import { UsageError } from '../errors.js';
import type { Topology } from './model.js';

/**
 * MySQL 8 nodes cannot be stood up yet: their replication statements are generated (and
 * unit-tested), but initializing and configuring mysqld is not written, and Debian ships no
 * MySQL 8 to test it with. Refused up front (64) rather than failing half-way; `runsWhat`
 * says what runs instead, for the message.
 */
export function requireMariadb(topology: Topology, runsWhat: string): void {
  const mysql8 = topology.nodes.find((n) => n.kind === 'mysql' && n.flavor === 'mysql');
  if (mysql8 === undefined) return;
  throw new UsageError(`${topology.file}: nodes.${mysql8.name}.flavor: "mysql" is not supported: ${runsWhat}`, ['use flavor: mariadb']);
}
