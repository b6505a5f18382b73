import { describe, expect, it } from 'vitest';
import { faultReport, sampleReport } from '../../../test/support/report-fixture.js';
import { evaluateThresholds } from './evaluate.js';
import { parseThreshold, type Threshold } from './parse.js';

const t = (metric: string, expression: string): Threshold => parseThreshold(metric, expression, 'test');

describe('availability thresholds', () => {
  it('rate: the measured window; min: the worst fault window, named', () => {
    const [rate, min, purchaseMin] = evaluateThresholds(faultReport(), [t('availability_view', 'rate>0.9'), t('availability_view', 'min>=0.5'), t('availability_purchase', 'min>0.5')]);
    expect(rate).toMatchObject({ ok: true, actual: 51_000 / 54_000 });
    expect(min).toMatchObject({ ok: true, actual: 0.5, detail: 'availability_view min = 0.5000 at fault 1 (kill app1) (meets >= 0.5)' });
    // Negative control: the partition answered no purchase at all.
    expect(purchaseMin).toMatchObject({ ok: false, actual: 0, detail: 'availability_purchase min = 0 at fault 2 (partition app1,app2 -> db) (fails > 0.5)' });
  });

  it('a run without faults: min has no data and passes; rate is there all the same', () => {
    const report = faultReport(0);
    delete report.faults;
    const [min, rate] = evaluateThresholds(report, [t('availability_purchase', 'min>0.99'), t('availability_purchase', 'rate>0.99')]);
    expect(min).toMatchObject({ ok: true, actual: null, detail: 'no data: the run had no faults' });
    expect(rate).toMatchObject({ ok: false, actual: 0.95 });
  });

  it('a report written before availability existed passes rate as no data', () => {
    const [rate] = evaluateThresholds(sampleReport(), [t('availability_view', 'rate>0.99')]);
    expect(rate).toMatchObject({ ok: true, actual: null });
    expect(rate?.detail).toMatch(/^no data: the report has no availability figures/);
  });

  it('fails when the scenario sends a route but none was sent in the measured window', () => {
    const base = faultReport();
    const report = faultReport(3, { availability: { view: base.availability!.view, purchase: { attempts: 0, successes: 0, failures: {}, unknown: 0, availability: null } } });
    const [rate] = evaluateThresholds(report, [t('availability_purchase', 'rate>0.9')]);
    expect(rate).toMatchObject({ ok: false, actual: null, detail: 'availability_purchase rate: no purchase was sent in the measured window, though the scenario sends such requests (fails > 0.9)' });
  });
});

describe('recovery thresholds', () => {
  it('max: the slowest fault to its first success; settled: to p99 under its threshold', () => {
    const [max, settled, tight] = evaluateThresholds(faultReport(2), [t('recovery_view', 'max<100'), t('recovery_view', 'settled<=1000'), t('recovery_purchase', 'max<1000')]);
    expect(max).toMatchObject({ ok: true, actual: 30, detail: 'recovery_view max = 30 ms at fault 1 (kill app1) (meets < 100)' });
    expect(settled).toMatchObject({ ok: true, actual: 1000 });
    // Negative control: purchases took 1.5 s after the first fault.
    expect(tight).toMatchObject({ ok: false, actual: 1500 });
  });

  it('a fault not healed while the load ran fails a recovery threshold, never passes it', () => {
    const [max] = evaluateThresholds(faultReport(3), [t('recovery_view', 'max<60000')]);
    expect(max).toMatchObject({ ok: false, actual: null, detail: 'recovery_view max: fault 3 (pause cache) was not healed while the load ran (fails < 60000)' });
  });

  it('a route that never succeeded after the heal fails; settled without a p(99) threshold fails', () => {
    const report = faultReport(2);
    const first = report.faults!.windows[0]!;
    first.routes.view.recovery = { ...first.routes.view.recovery, firstSuccessMs: null, p99UnderMs: null };
    const [never, settled, noBound] = evaluateThresholds(report, [t('recovery_view', 'max<60000'), t('recovery_view', 'settled<60000'), t('recovery_purchase', 'settled<60000')]);
    expect(never).toMatchObject({ ok: false, detail: 'recovery_view max: no view succeeded after fault 1 (kill app1) was healed, before the load ended (fails < 60000)' });
    expect(settled).toMatchObject({ ok: false, detail: 'recovery_view settled: view p99 never met view_hit: p(99)<50 after fault 1 (kill app1) was healed, before the load ended (fails < 60000)' });
    expect(noBound).toMatchObject({ ok: false, detail: 'recovery_purchase settled: the scenario has no p(99) threshold for purchase or its classes to settle under (fails < 60000)' });
  });

  it('no data, passing: a run without faults, or a route the scenario does not send', () => {
    const [none] = evaluateThresholds(sampleReport(), [t('recovery_purchase', 'max<1000')]);
    expect(none).toMatchObject({ ok: true, actual: null, detail: 'no data: the run had no faults' });
    const base = faultReport();
    const viewsOnly = faultReport(3, { scenario: { ...base.scenario!, mix: { view: 1, purchase: 0 } } });
    const [notSent] = evaluateThresholds(viewsOnly, [t('recovery_purchase', 'max<1000')]);
    expect(notSent).toMatchObject({ ok: true, actual: null, detail: 'no data: the scenario sends no purchase' });
  });
});

describe('the language takes the new metrics', () => {
  it.each([
    ['availability_view', 'rate>0.999', { aggregate: 'rate' }],
    ['availability_purchase', 'min>=0.5', { aggregate: 'min' }],
    ['recovery_view', 'max<2000', { aggregate: 'max' }],
    ['recovery_purchase', 'settled<5000', { aggregate: 'settled' }],
  ])('%s: %s', (metric, expression, expected) => {
    expect(parseThreshold(metric, expression, 'test')).toMatchObject(expected);
  });

  it('refuses an aggregate the metric does not have', () => {
    expect(() => parseThreshold('recovery_view', 'p(99)<10', 'test')).toThrow(/recovery_view has no aggregate "p\(N\)"/);
    expect(() => parseThreshold('availability_view', 'settled<10', 'test')).toThrow(/availability_view has no aggregate "settled"/);
  });
});
