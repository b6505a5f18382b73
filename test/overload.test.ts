import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../src/bench/ledger.js';
import type { BenchReport } from '../src/report/model.js';
import type { VerifyResult } from '../src/verify/verdict.js';
import { conservation, insertProduct, rows } from './support/databases.js';
import { metric } from './support/metrics.js';
import { countBy, newKey } from './support/orders.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

// Two purchases in progress per app: a burst, and even the smoke scenario, go past it.
const LIMIT = 2;
const topo = testTopology('e2e-overload', 27200, (t) => {
  t.catalog.products = 200;
  t.app.maxPurchasesInFlight = LIMIT;
});
const topology = runningTopology(topo);
const lb = `http://127.0.0.1:${topo.ports.lb}`;
const apps = ['app1', 'app2'].map((name) => `http://127.0.0.1:${topo.ports[name]}`);

interface Answer {
  key: string;
  status: number;
  error: string | undefined;
  retryAfter: string | null;
  xError: string | null;
}

/** One purchase of 1 through the load balancer, with the headers a refusal carries. */
async function buy(productId: number): Promise<Answer> {
  const key = newKey('overload');
  const response = await fetch(`${lb}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ productId, quantity: 1, userId: 'burst' }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { error?: string };
  return { key, status: response.status, error: body.error, retryAfter: response.headers.get('retry-after'), xError: response.headers.get('x-error') };
}

const rejectedSoFar = async () => (await Promise.all(apps.map((app) => metric(app, 'shop_admission_rejected_total')))).reduce((a, b) => a + b, 0);

describe('overload is refused at admission, on purpose and counted', () => {
  it('a burst past the bound: 503 overloaded with Retry-After, nothing sold for them, the rest exact', async () => {
    const productId = 900_001;
    await insertProduct(topology.primary(), productId, 50);
    const before = await rejectedSoFar();
    const answers = await Promise.all(Array.from({ length: 300 }, () => buy(productId)));
    const refused = answers.filter((a) => a.error === 'overloaded');
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect([a.status, a.retryAfter, a.xError]).toEqual([503, '1', 'overloaded']);
    // Everything else got an exact answer (busy is allowed: a lock or pool wait that ran out).
    const { 201: sold = 0, 409: soldOut = 0, 503: unavailable = 0, ...other } = countBy(answers, (a) => a.status);
    expect(other).toEqual({});
    expect(sold).toBeGreaterThan(0);
    expect(sold + soldOut + unavailable).toBe(300);
    expect(new Set(answers.filter((a) => a.status === 503).map((a) => a.error))).toEqual(new Set(answers.some((a) => a.error === 'busy') ? ['overloaded', 'busy'] : ['overloaded']));

    // Nothing was sold for any refusal; every 201 has its order; conservation holds.
    const orders = await rows<{ idempotency_key: string }>(topology.primary(), 'SELECT idempotency_key FROM orders WHERE product_id = ?', [productId]);
    const ordered = new Set(orders.map((o) => o.idempotency_key));
    expect(refused.filter((a) => ordered.has(a.key))).toEqual([]);
    expect(answers.filter((a) => a.status === 201).every((a) => ordered.has(a.key))).toBe(true);
    expect(orders.length).toBe(sold);
    expect(await conservation(topology.primary(), productId)).toEqual({ stock: 50 - sold, initialStock: 50, orders: sold, sold });

    // The apps counted exactly these refusals.
    expect((await rejectedSoFar()) - before).toBe(refused.length);
  });

  it('a bench run counts them under their own kind, its ledger calls them failed, and verify finds I1–I6 intact', async () => {
    const reports = join(topo.home, 'reports');
    const bench = await topology.run('bench', '-s', 'smoke', '--duration', '3s', '--warmup', '1s', '--out', reports, '--json');
    expect(bench.code, bench.stderr).toBe(0);
    const report = JSON.parse(bench.stdout) as BenchReport;
    const split = report.errorsByOrigin;
    expect(split?.app.overloaded).toBeGreaterThan(0);
    expect(bench.stderr).toMatch(/errors by origin: .*app overloaded \d+/);
    // The split adds up to the kinds' totals, which keep their old keys.
    const total = (counts: object): number => Object.values(counts).reduce((sum: number, n) => sum + (typeof n === 'number' ? n : total(n as object)), 0);
    expect(total(split ?? {})).toBe(total(report.errors));
    expect(Object.keys(report.errors)).toEqual(['connect', 'timeout', 'reset', 'http_5xx', 'http_4xx', 'aborted']);

    const ledger = readFileSync(join(reports, report.runId, 'ledger.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LedgerEntry);
    const refusedInLedger = ledger.filter((e) => e.status === 503 && e.outcome === 'failed');
    // The ledger also holds the warm-up's purchases; the report's split counts the measured window.
    expect(refusedInLedger.length).toBeGreaterThanOrEqual(split?.app.overloaded ?? 0);
    const orders = await rows<{ idempotency_key: string }>(topology.primary(), 'SELECT idempotency_key FROM orders WHERE idempotency_key LIKE ?', [`${report.runId}-%`]);
    const ordered = new Set(orders.map((o) => o.idempotency_key));
    expect(refusedInLedger.filter((e) => ordered.has(e.key))).toEqual([]);

    // The refusals fail the smoke's errors threshold (exit 1); no invariant is broken.
    const verify = await topology.run('verify', '--report', join(reports, report.runId), '--json');
    const result = JSON.parse(verify.stdout) as VerifyResult;
    expect(result.audit?.invariants.map((i) => [i.id, i.ok])).toEqual(['I1', 'I2', 'I3', 'I4', 'I5', 'I6'].map((id) => [id, true]));
    expect(verify.code, verify.stderr).toBe(1);
    expect(result.thresholds.filter((t) => !t.ok).map((t) => t.threshold).join(' ')).toMatch(/errors/);
  });
});
