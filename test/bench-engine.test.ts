import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadPlan } from '../src/bench/engine.js';
import { joinLedgerParts, type LedgerEntry } from '../src/bench/ledger.js';
import { startStubService, type StubService } from './support/stub-service.js';

const dir = mkdtempSync(join(tmpdir(), 'shopctl-engine-'));
let stub: StubService | undefined;

afterEach(async () => {
  await stub?.stop();
  stub = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (origin: string, over: Partial<LoadPlan>): LoadPlan => ({
  origin,
  model: 'open',
  connections: 500,
  rate: 200,
  durationMs: 5000,
  warmupMs: 0,
  timeoutMs: 5000,
  workers: 2,
  strategy: undefined,
  workload: { kind: 'scenario', mix: { view: 1, purchase: 0 }, popularity: { kind: 'uniform' }, products: 100, quantity: { min: 1, max: 1 }, seed: 1, keyPrefix: 't' },
  ledgerPrefix: null,
  ...over,
});
const quiet = { onProgress: () => {} };

/** SIGSTOP the stub from `atMs` for `forMs`: a server that answers nothing for that long. */
function stallLater(s: StubService, atMs: number, forMs: number): void {
  setTimeout(() => {
    s.process.kill('SIGSTOP');
    setTimeout(() => s.process.kill('SIGCONT'), forMs);
  }, atMs);
}

describe('load engine on a real socket', () => {
  it('open model: keeps its schedule through a 1 s stall and shows the stall in p99 (coordinated omission corrected)', async () => {
    stub = await startStubService(29501);
    stallLater(stub, 2300, 1000);
    const result = await runLoad(plan(stub.origin, {}), quiet);
    expect(result.measuredSent).toBe(1000); // 200/s × 5 s, not one send lost or added
    expect(result.dropped).toBe(0);
    const views = result.classes.view_hit;
    expect(views?.count).toBe(1000);
    // ~200 sends were due during the stall; measured from their intended time, they waited up to 1 s.
    expect(views?.p99).toBeGreaterThan(900);
    expect(views?.p50).toBeLessThan(100);
  });

  it('closed model: the same stall hides in p99 (the omission the open model corrects)', async () => {
    stub = await startStubService(29502);
    stallLater(stub, 2300, 1000);
    const result = await runLoad(plan(stub.origin, { model: 'closed', connections: 10 }), quiet);
    const views = result.classes.view_hit;
    expect(views?.max).toBeGreaterThan(900);
    expect(views?.p99).toBeLessThan(500);
    expect(result.peakConnections).toBe(10);
  });

  it('ledger: every purchase sent appears exactly once, also when the run is interrupted with requests in flight', async () => {
    stub = await startStubService(29503, { every: 10, ms: 8000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const workload = { ...plan('', {}).workload, mix: { view: 0, purchase: 1 } };
    const result = await runLoad(plan(stub.origin, { rate: 300, durationMs: 30_000, workload, ledgerPrefix: join(dir, 'ledger') }), quiet, controller.signal);
    expect(result.interrupted).toBe(true);
    const file = join(dir, 'ledger.ndjson');
    await joinLedgerParts(result.ledgerParts, file);
    const entries = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as LedgerEntry);
    const keys = entries.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(await stub.keys()));
    expect(entries.length).toBe(result.purchases.attempted);
    // The held purchases were aborted after the grace period: their outcome is unknown, never a guess.
    const unknown = entries.filter((e) => e.outcome === 'unknown');
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((e) => e.status === null && e.orderId === null && Number(e.key.split('-').pop()) % 10 === 0)).toBe(true);
    expect(entries.filter((e) => e.outcome === 'acknowledged').every((e) => e.status === 201 && typeof e.orderId === 'number')).toBe(true);
    expect(result.purchases).toMatchObject({ acknowledged: entries.length - unknown.length, unknown: unknown.length, failed: 0 });
  });

  it('a request with no answer within the timeout is a timeout, and its purchase outcome unknown', async () => {
    stub = await startStubService(29504, { every: 5, ms: 4000 });
    const workload = { ...plan('', {}).workload, mix: { view: 0, purchase: 1 } };
    const result = await runLoad(plan(stub.origin, { rate: 100, durationMs: 2000, timeoutMs: 1000, workload }), quiet);
    expect(result.errors.timeout).toBeGreaterThan(0);
    expect(result.errors.timeout).toBe(result.purchases.unknown);
    expect(result.purchases.acknowledged + result.purchases.unknown).toBe(result.purchases.attempted);
    expect(result.classes.purchase_ok?.max).toBeLessThan(1000);
  });

  it('nothing listening: every request is a connect error and every purchase definitely failed', async () => {
    const workload = { ...plan('', {}).workload, mix: { view: 0.5, purchase: 0.5 } };
    const result = await runLoad(plan('http://127.0.0.1:29505', { rate: 100, durationMs: 1000, workload }), quiet);
    expect(result.measuredSent).toBe(100);
    expect(result.errors.connect).toBe(100);
    expect(result.connectErrors).toBe(100);
    expect(result.peakConnections).toBe(0);
    expect(result.purchases.failed).toBe(result.purchases.attempted);
  });
});
