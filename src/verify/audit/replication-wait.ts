import type { Connection } from 'mysql2/promise';
import { gtidPosition } from '../../clients/mysql.js';

export interface CatchUp {
  caughtUp: boolean;
  waitedMs: number;
  primaryPosition: string;
  replicaPosition: string;
}

export const CATCH_UP_LIMIT_MS = 30_000;

/**
 * Waits (at most CATCH_UP_LIMIT_MS) until the replica has applied every transaction the primary
 * logged — its gtid_slave_pos equals the primary's gtid_binlog_pos (MariaDB's GTIDs) — and the
 * primary has written nothing more meanwhile: a purchase whose client gave up may still commit
 * after the bench ended, and the audit must not start in the middle of that.
 */
export async function waitForReplica(primary: Connection, replica: Connection, limitMs = CATCH_UP_LIMIT_MS): Promise<CatchUp> {
  const started = Date.now();
  for (;;) {
    // The primary is read anew each time: a replica that passed an older reading while the
    // primary went on would otherwise never equal it.
    const primaryPosition = await gtidPosition(primary, 'gtid_binlog_pos');
    const replicaPosition = await gtidPosition(replica, 'gtid_slave_pos');
    const waitedMs = Date.now() - started;
    if (replicaPosition === primaryPosition && (await gtidPosition(primary, 'gtid_binlog_pos')) === primaryPosition) {
      return { caughtUp: true, waitedMs, primaryPosition, replicaPosition };
    }
    if (waitedMs >= limitMs) return { caughtUp: false, waitedMs, primaryPosition, replicaPosition };
    await new Promise((r) => setTimeout(r, 100));
  }
}
