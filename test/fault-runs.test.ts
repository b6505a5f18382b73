import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/report/model.js';
import type { VerifyResult } from '../src/verify/verdict.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-fault-runs', 27400);
const { run } = runningTopology(topo);

/**
 * The fault run of the flash sale, seeded: the Redis master killed and started again,
 * the primary frozen for longer than the seed strategy's lock lives (9.5 s: two buyers of the
 * hot product can hold "the" lock at once), one app cut off from everything, the other app
 * killed (nginx does not re-send the purchases it had: docs/faults.md says why). Lower rate than
 * the scenario's, for a 2-core CI machine; the load stays open-model, so the stalls show.
 */
const SCHEDULE = ['at=2s for=3s kill redis-master', 'at=6s for=11s pause mysql-primary', 'at=18s for=3s partition isolate=app1', 'at=22s for=2s kill app2'].flatMap((f) => ['--fault', f]);

/** Latency and error thresholds cannot hold through these faults: only the invariants are judged here. */
const LOOSE = ['purchase:p(99)<60000', 'errors:rate<1'].flatMap((t) => ['--threshold', t]);

describe.each(['seed', 'atomic', 'batched'])('a fault run of the flash sale, strategy %s', (strategy) => {
  it('keeps every invariant, and the report shows the timeline, availability and recovery', async () => {
    const out = join(topo.home, `reports-${strategy}`);
    const bench = await run('bench', '-s', 'flash-sale', '--strategy', strategy, '--rate', '250', '--warmup', '1s', '--duration', '25s', '--out', out, ...SCHEDULE);
    // 4: the generator fell behind its schedule, which a 2-core machine running seven servers may.
    expect([0, 4], bench.stderr).toContain(bench.code);
    expect(bench.stderr).toMatch(/fault #2 pause mysql-primary healed at/);
    const dir = join(out, 'latest');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as BenchReport;
    const faults = report.faults;
    expect(faults?.timeline.map((f) => [f.action, f.target, f.error])).toEqual([
      ['kill', 'redis-master', null],
      ['pause', 'mysql-primary', null],
      ['partition', 'app1 | rest', null],
      ['kill', 'app2', null],
    ]);
    // The apps' own logs place the Redis master's death and return on the same clock.
    const redis = (faults?.appEvents ?? []).filter((e) => e.detail.includes('dependency=redis'));
    expect(redis.find((e) => e.event === 'dependency_lost')?.atMs).toBeGreaterThanOrEqual(1900);
    expect(redis.some((e) => e.event === 'dependency_regained')).toBe(true);
    for (const f of faults?.timeline ?? []) expect(f.healedAtMs).toBeGreaterThanOrEqual(f.healAtMs ?? Number.POSITIVE_INFINITY);
    // While the primary was frozen no purchase could be decided.
    const pause = faults?.windows.find((w) => w.id === 2);
    expect(pause?.routes.purchase.attempts).toBeGreaterThan(100);
    expect(pause?.routes.purchase.availability ?? 1).toBeLessThan(0.5);
    expect(pause?.routes.purchase.recovery.firstSuccessMs).not.toBeNull();
    const verify = await run('verify', '--report', dir, '--json', ...LOOSE);
    const result = JSON.parse(verify.stdout) as VerifyResult;
    const broken = (result.audit?.invariants ?? []).filter((i) => !i.ok).map((i) => `${i.id}: ${i.unchecked ?? JSON.stringify(i.examples)}`);
    expect(broken, verify.stderr).toEqual([]);
    expect(result.audit?.invariants.map((i) => i.id)).toEqual(['I1', 'I2', 'I3', 'I4', 'I5', 'I6']);
    expect(result.faults.map((f) => f.action)).toEqual(['kill', 'pause', 'partition', 'kill']);
    // Thresholds may fail through such faults (1): a paused primary's returning pools reached
    // C + 1 connections in one run. Never 2 (an invariant) nor 3.
    expect([0, 1, 4], verify.stderr).toContain(verify.code);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('## Faults');
  });
});
