import { cpSync, existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../src/bench/ledger.js';
import type { VerifyResult } from '../src/verify/verdict.js';
import { adminConnection, redisPassword, rows } from './support/databases.js';
import { eventually } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-verify', 29600, (t) => {
  t.catalog.products = 300;
});
const topology = runningTopology(topo);
const reports = join(topo.home, 'reports');
const primary = (): Connection => topology.primary();
let runDir = '';
let ledger: LedgerEntry[] = [];

/**
 * The hottest product of the smoke run's Zipf popularity (id 1) is given 2 units before it, so
 * the run surely sells it out and the ledger holds a 409 whatever the machine's speed (the
 * catalog's stock of 100+ sold out only on fast machines). Its version moves on, as a purchase
 * would, and the replica has it before the run reads through it.
 */
const SOLD_OUT = 1;

beforeAll(async () => {
  await primary().query('UPDATE products SET stock = 2, initial_stock = 2, version = version + 1 WHERE id = ?', [SOLD_OUT]);
  const replica = await adminConnection(topo, 'mysql-replica');
  try {
    await eventually('the replica has the lowered stock', async () => ((await rows<{ stock: number }>(replica, 'SELECT stock FROM products WHERE id = ?', [SOLD_OUT]))[0]?.stock === 2 ? true : undefined));
  } finally {
    await replica.end();
  }
  const bench = await topology.run('bench', '-s', 'smoke', '--duration', '3s', '--warmup', '1s', '--out', reports);
  expect(bench.code, bench.stderr).toBe(0);
  runDir = join(reports, readlinkSync(join(reports, 'latest')));
  ledger = readFileSync(join(runDir, 'ledger.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LedgerEntry);
});

/**
 * The smoke scenario's latency and hit-rate thresholds are loosened here: these tests are about
 * the exit codes and the audit, and a CI machine that runs the docker suite beside this one can
 * take a view's p99 past 250 ms (it did: the repaired verdicts came back threshold_failed), and
 * answer a purchase in a thousand 503 after the app's bounded waits (it did: errors rate 0.0010),
 * so errors may reach 1 %. db_connections stays as written; "an impossible threshold" below
 * checks that a failing one exits 1.
 */
const MACHINE_SPEED_FREE = ['view_hit:p(99)<60000', 'view_miss:p(99)<60000', 'purchase:p(99)<60000', 'cache_hit_rate:>=0', 'errors:rate<0.01'].flatMap((t) => ['--threshold', t]);

async function verify(...args: string[]): Promise<{ code: number; result: VerifyResult; stderr: string }> {
  const run = await topology.run('verify', '--report', runDir, '--json', ...MACHINE_SPEED_FREE, ...args);
  return { code: run.code, result: JSON.parse(run.stdout) as VerifyResult, stderr: run.stderr };
}

/** The failed invariants of a verdict, each with the evidence it printed. */
function failed(result: VerifyResult): Record<string, string> {
  // An unchecked invariant has no examples: its reason is what tells why.
  return Object.fromEntries((result.audit?.invariants ?? []).filter((i) => !i.ok).map((i) => [i.id, i.unchecked ?? JSON.stringify(i.examples)]));
}

/** Breaks the data with `act`, checks verify's verdict, and repairs it with `repair` whatever happened. */
async function broken(act: () => Promise<unknown>, repair: () => Promise<unknown>, check: (result: VerifyResult, code: number) => void): Promise<void> {
  await act();
  try {
    const { code, result } = await verify();
    check(result, code);
  } finally {
    await repair();
  }
  const repaired = (await verify()).result;
  expect(repaired.verdict, `repaired: ${JSON.stringify({ thresholds: repaired.thresholds.filter((t) => !t.ok), invariants: failed(repaired) })}`).toBe('pass');
}

/** An acknowledged purchase of a product that did not sell out (the coldest bought: it has stock left to break). */
const acknowledged = () => ledger.filter((e) => e.outcome === 'acknowledged' && e.productId !== SOLD_OUT).reduce((a, b) => (b.productId > a.productId ? b : a));

describe('shopctl verify on a real topology', () => {
  it('a clean smoke run verifies with 0, writes verify.json and JUnit, and shows the verdict in report.html', async () => {
    const junit = join(topo.home, 'junit.xml');
    const { code, result, stderr } = await verify('--junit', junit);
    expect(code, stderr).toBe(0);
    expect(result.verdict).toBe('pass');
    expect(result.audit?.invariants.map((i) => [i.id, i.ok])).toEqual(['I1', 'I2', 'I3', 'I4', 'I5', 'I6'].map((id) => [id, true]));
    expect(result.audit?.ledger.entries).toBe(ledger.length);
    expect(result.audit?.replication?.caughtUp).toBe(true);
    expect(result.thresholds.length).toBe(7);
    expect(stderr).toMatch(/✓ I1 conservation/);
    expect(JSON.parse(readFileSync(join(runDir, 'verify.json'), 'utf8'))).toEqual(result);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toContain('I6 replica agrees with the primary');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="14" failures="0"');
    expect(xml.match(/<testcase /g)?.length).toBe(14);
  });

  it('I1: a stock changed behind the service\'s back', async () => {
    const id = acknowledged().productId;
    await broken(
      () => primary().query('UPDATE products SET stock = stock - 1 WHERE id = ?', [id]),
      () => primary().query('UPDATE products SET stock = stock + 1 WHERE id = ?', [id]),
      (result, code) => {
        expect(code).toBe(2);
        expect(failed(result).I1).toContain(`"productId":${id},`);
      },
    );
  });

  it('I3: an order no client attempted', async () => {
    const id = acknowledged().productId;
    await broken(
      () => primary().query("INSERT INTO orders (product_id, user_id, quantity, idempotency_key) VALUES (?, 'intruder', 1, 'intruder-order-1')", [id]),
      () => primary().query("DELETE FROM orders WHERE idempotency_key = 'intruder-order-1'"),
      (result, code) => {
        expect(code).toBe(2);
        expect(failed(result).I3).toContain('"key":"intruder-order-1"');
        expect(failed(result).I3).toContain(`"productId":${id},`);
      },
    );
  });

  it('I2: an acknowledged order deleted', async () => {
    const entry = acknowledged();
    const [row] = await rows<Record<string, unknown>>(primary(), 'SELECT * FROM orders WHERE idempotency_key = ?', [entry.key]);
    await broken(
      () => primary().query('DELETE FROM orders WHERE idempotency_key = ?', [entry.key]),
      () => primary().query('INSERT INTO orders SET ?', [row]),
      (result, code) => {
        expect(code).toBe(2);
        expect(failed(result).I2).toContain(`"key":"${entry.key}","productId":${entry.productId}`);
      },
    );
  });

  it('I4: an order for a key that was answered 409', async () => {
    const refused = ledger.find((e) => e.status === 409);
    expect(refused, 'the smoke run sold some product out').toBeDefined();
    const entry = refused as LedgerEntry;
    await broken(
      () => primary().query("INSERT INTO orders (product_id, user_id, quantity, idempotency_key) VALUES (?, 'late', ?, ?)", [entry.productId, entry.quantity, entry.key]),
      () => primary().query('DELETE FROM orders WHERE idempotency_key = ?', [entry.key]),
      (result, code) => {
        expect(code).toBe(2);
        expect(failed(result).I4).toContain(`"key":"${entry.key}","productId":${entry.productId}`);
      },
    );
  });

  it('I5: a wrong stock in the cache', async () => {
    const id = acknowledged().productId;
    const redis = new Redis({ host: '127.0.0.1', port: topo.ports['redis-master'], password: redisPassword(topo) });
    try {
      await broken(
        () => redis.set(`stock:${id}`, '987654:1'),
        () => redis.del(`stock:${id}`),
        (result, code) => {
          expect(code).toBe(2);
          expect(failed(result).I5).toContain(`"productId":${id},"cached":"987654:1"`);
          expect(Object.keys(failed(result))).toEqual(['I5']);
        },
      );
    } finally {
      redis.disconnect();
    }
  });

  it('I6: the replica diverges (a change kept out of the binlog on the primary)', async () => {
    const id = acknowledged().productId;
    const [row] = await rows<{ name: string }>(primary(), 'SELECT name FROM products WHERE id = ?', [id]);
    const name = row?.name ?? '';
    const quietly = async (sql: string) => {
      const c = await adminConnection(topo, 'mysql-primary');
      try {
        await c.query('SET SESSION sql_log_bin = 0');
        await c.query(sql, [id]);
      } finally {
        await c.end();
      }
    };
    await broken(
      () => quietly("UPDATE products SET name = 'diverged' WHERE id = ?"),
      () => quietly(`UPDATE products SET name = ${primary().escape(name)} WHERE id = ?`),
      (result, code) => {
        expect(code).toBe(2);
        expect(Object.keys(failed(result))).toEqual(['I6']);
        expect(failed(result).I6).toContain(`"productId":${id},"fields":["name"]`);
      },
    );
  });

  it('an impossible threshold exits 1; a typo in a metric or a bad expression exits 64', async () => {
    const impossible = await verify('--threshold', 'view_hit:p(99)<0.001');
    expect(impossible.code).toBe(1);
    expect(impossible.result.thresholds.find((t) => t.threshold === 'view_hit: p(99)<0.001')?.ok).toBe(false);
    const typo = await topology.run('verify', '--report', runDir, '--threshold', 'veiw_hit:p(99)<10');
    expect(typo.code).toBe(64);
    expect(typo.stderr).toMatch(/unknown metric "veiw_hit" \(did you mean view_hit\?\)/);
    const bad = await topology.run('verify', '--report', runDir, '--threshold', 'purchase:p99<100');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/purchase has no aggregate "p99"[\s\S]*write a percentile as p\(99\)/);
  });

  it('a report whose generator saturated exits 4; a malformed report exits 64', async () => {
    const copy = join(topo.home, 'saturated');
    cpSync(runDir, copy, { recursive: true });
    const report = JSON.parse(readFileSync(join(copy, 'report.json'), 'utf8')) as { generator: { trustworthy: boolean; reasons: string[] } };
    report.generator = { ...report.generator, trustworthy: false, reasons: ['load worker 0 was busy 99 % of the measured window'] };
    writeFileSync(join(copy, 'report.json'), JSON.stringify(report));
    const untrusted = await topology.run('verify', '--report', copy);
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toContain('load worker 0 was busy 99 %');
    writeFileSync(join(copy, 'report.json'), '{"schema": "something else"}');
    const malformed = await topology.run('verify', '--report', copy);
    expect(malformed.code).toBe(64);
    expect(malformed.stderr).toContain('is not a shopctl bench report');
  });

  it('passes on a 6000-connection seed run: no false alarm from timeouts that did or did not commit', async () => {
    const bench = await topology.run('bench', '-s', 'seed', '--duration', '8s', '--warmup', '2s', '--timeout', '2s', '--out', join(topo.home, 'big'));
    expect([0, 4], bench.stderr).toContain(bench.code);
    const big = join(topo.home, 'big', readlinkSync(join(topo.home, 'big', 'latest')));
    const run = await topology.run('verify', '--report', big, '--json');
    const result = JSON.parse(run.stdout) as VerifyResult;
    expect(failed(result)).toEqual({});
    expect([0, 1, 4]).toContain(run.code);
    expect(result.audit?.ledger.entries).toBeGreaterThan(1000);
    // The point of the test: some purchases timed out (2 s), and whether or not they committed, no invariant fails.
    expect(result.audit?.ledger.unknown, 'the run had purchases with an unknown outcome').toBeGreaterThan(0);
  });

  it('a stopped topology exits 3: nothing can be checked', async () => {
    const down = await topology.run('down');
    expect(down.code, down.stderr).toBe(0);
    const { code, result } = await verify();
    expect(code).toBe(3);
    expect(result.verdict).toBe('unreachable');
    expect(result.unreachable).toMatch(/cannot reach mysql-primary/);
    expect(existsSync(join(runDir, 'verify.json'))).toBe(true);
  });
});
