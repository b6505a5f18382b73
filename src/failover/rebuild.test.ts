import type { Connection } from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { snapshotOf } from './rebuild.js';

/** A stand-in primary that records the statements it is sent and answers what snapshotOf reads. */
function recordingPrimary() {
  const sent: string[] = [];
  const connection = {
    query: async (sql: string) => {
      sent.push(sql);
      if (sql.startsWith('SHOW STATUS')) return [[{ Variable_name: 'Binlog_snapshot_file', Value: 'b.000001' }, { Variable_name: 'Binlog_snapshot_position', Value: '4' }], []];
      if (sql.startsWith('SELECT BINLOG_GTID_POS')) return [[{ pos: '0-2-367' }], []];
      return [[], []];
    },
  };
  return { primary: connection as unknown as Connection, sent };
}

describe('the snapshot a rejoining node is rebuilt from', () => {
  it('reads every table in one REPEATABLE READ snapshot (the servers run READ-COMMITTED, where each SELECT would see later commits)', async () => {
    const { primary, sent } = recordingPrimary();
    const snapshot = await snapshotOf(primary);
    expect(snapshot.position).toBe('0-2-367');
    expect(sent.slice(0, 2)).toEqual(['SET TRANSACTION ISOLATION LEVEL REPEATABLE READ', 'START TRANSACTION WITH CONSISTENT SNAPSHOT']);
    expect(sent.at(-1)).toBe('COMMIT');
  });
});
