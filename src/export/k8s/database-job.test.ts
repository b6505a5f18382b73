import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../topology/load.js';
import { databaseJob } from './database-job.js';
import { podContext } from './pod-context.js';
import { FIXED_SECRETS } from './test-secrets.js';

const topology = loadTopology(new URL('../../../topology/default.yaml', import.meta.url).pathname, 4);
const root = mkdtempSync(join(tmpdir(), 'shopctl-k8s-db-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The Job's init.sh under sh with a fake `mariadb` that logs each statement by host and answers
 * from `answers` (statement prefix → stdout, or `FAIL` for an error). The script's folder is
 * moved into the test's; nothing else is changed.
 */
function runInit(name: string, answers: Record<string, string>): { status: number | null; log: string } {
  const dir = join(root, name);
  const { objects } = databaseJob(podContext(topology, FIXED_SECRETS));
  const script = ((objects[0] as unknown as { data: Record<string, string> }).data['init.sh'] ?? '').replaceAll('/shopctl-init', dir);
  const cases = Object.entries(answers).map(([prefix, out]) => `  "${prefix}"*) ${out === 'FAIL' ? 'exit 1' : `echo '${out}'`} ;;`);
  spawnSync('mkdir', ['-p', join(dir, 'bin')]);
  writeFileSync(join(dir, 'init.sh'), script);
  writeFileSync(join(dir, 'primary.sql'), '-- primary.sql');
  const fake = ['#!/bin/sh', 'host=$(printf "%s\\n" "$@" | sed -n "s/^--host=//p")', 'sql=$(cat)', `echo "$host: $sql" >> ${dir}/log`, 'case "$sql" in', ...cases, '  *) ;;', 'esac'];
  writeFileSync(join(dir, 'bin', 'mariadb'), `${fake.join('\n')}\n`);
  chmodSync(join(dir, 'bin', 'mariadb'), 0o755);
  const run = spawnSync('/bin/sh', [join(dir, 'init.sh')], { encoding: 'utf8', env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` } });
  return { status: run.status, log: readFileSync(join(dir, 'log'), 'utf8') };
}

const done = { 'SELECT COUNT(*)': '10', 'SELECT @@GLOBAL.gtid_binlog_pos': '0-1-5', 'SELECT @@GLOBAL.gtid_slave_pos': '0-1-5' };

describe('the db-init Job script', () => {
  it('starts a replica that a killed pod left pointed but stopped', () => {
    const { status, log } = runInit('pointed', { ...done, 'SHOW SLAVE STATUS': 'mysql-primary 13306 No No' });
    expect(status).toBe(0);
    expect(log).not.toContain('CHANGE MASTER');
    expect(log).toContain('mysql-replica: START SLAVE');
  });

  it('stops when the replica cannot be asked whether it is pointed, instead of pointing it again', () => {
    const { status, log } = runInit('unanswered', { ...done, 'SHOW SLAVE STATUS': 'FAIL' });
    expect(status).not.toBe(0);
    expect(log).not.toContain('CHANGE MASTER');
    expect(log).not.toContain('primary.sql');
  });
});
