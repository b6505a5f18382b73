import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { encodeHistogram, intervalHistogram, latencyHistogram, recordMs, summarize } from './histograms.js';
import { LoadMerge, mergeLoadParts, type LoadParts } from './load-merge.js';
import { noPurchases, type RequestClass } from './measurement.js';
import type { DoneMessage, SecondPart } from './messages.js';

const CLASSES: RequestClass[] = ['view_hit', 'view_miss', 'purchase_ok'];
const SECONDS = 6;

interface Sample {
  cls: RequestClass;
  ms: number;
  second: number;
}

/** One worker's messages for its samples, as worker.ts would send them. */
function workerMessages(worker: number, samples: Sample[]): { done: DoneMessage; seconds: SecondPart[] } {
  const whole = new Map(CLASSES.map((c) => [c, latencyHistogram()]));
  const perSecond = new Map<number, Map<RequestClass, ReturnType<typeof intervalHistogram>>>();
  for (const s of samples) {
    recordMs(whole.get(s.cls) as ReturnType<typeof latencyHistogram>, s.ms);
    const second = perSecond.get(s.second) ?? new Map();
    perSecond.set(s.second, second);
    const h = second.get(s.cls) ?? intervalHistogram();
    second.set(s.cls, h);
    recordMs(h, s.ms);
  }
  const histograms = Object.fromEntries([...whole].filter(([, h]) => h.totalCount > 0).map(([c, h]) => [c, encodeHistogram(h)]));
  const seconds: SecondPart[] = [...perSecond].map(([t, classes]) => ({ t, classes: Object.fromEntries([...classes].map(([c, h]) => [c, encodeHistogram(h)])), errors: 0, dropped: 0 }));
  const tally = { classes: Object.fromEntries(CLASSES.map((c) => [c, samples.filter((s) => s.cls === c).length])), errors: {}, reasons: {}, purchases: noPurchases() };
  const done: DoneMessage = {
    type: 'done',
    worker,
    seconds: [],
    availability: null,
    histograms,
    phases: {},
    tally,
    measuredSent: samples.length,
    measuredCompleted: samples.length,
    dropped: 0,
    peakConnected: 1,
    connectErrors: 0,
    sendLag: null,
    eventLoop: { utilization: 0.1, delayP99Ms: 1 },
  };
  return { done, seconds };
}

/** An agent's parts from its workers' samples, through the engine's own merge. */
function agentParts(workers: Sample[][]): LoadParts {
  const merge = new LoadMerge(1000);
  const dones = workers.map((samples, worker) => {
    const { done, seconds } = workerMessages(worker, samples);
    merge.add({ seconds, availability: null });
    return done;
  });
  return merge.parts(dones, { startAt: 1_700_000_000_000, measuredS: SECONDS - 1, endMs: SECONDS * 1000 }, false);
}

describe('mergeLoadParts: load agents merged exactly', () => {
  it('percentiles of the merge are those of one histogram of every sample, and counts add up (property, 25 seeds)', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = seededRandom(seed);
      const agents = 1 + Math.floor(random() * 5);
      const all: Sample[] = [];
      const parts: LoadParts[] = [];
      for (let a = 0; a < agents; a++) {
        const workers = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
          Array.from({ length: Math.floor(random() * 400) }, () => {
            // Long tails: most answers fast, a few up to seconds.
            const sample = { cls: CLASSES[Math.floor(random() * CLASSES.length)] as RequestClass, ms: random() < 0.95 ? random() * 20 : random() * 3000, second: Math.floor(random() * SECONDS) };
            all.push(sample);
            return sample;
          }),
        );
        parts.push(agentParts(workers));
      }
      const merged = mergeLoadParts(parts);
      for (const cls of CLASSES) {
        const one = latencyHistogram();
        for (const s of all.filter((x) => x.cls === cls)) recordMs(one, s.ms);
        if (one.totalCount === 0) expect(merged.classes[cls], `seed ${seed} ${cls}`).toBeUndefined();
        else expect(merged.classes[cls], `seed ${seed} ${cls}`).toEqual(summarize(one));
      }
      expect(merged.measuredCompleted).toBe(all.length);
      for (const second of merged.series) expect(second.rps, `seed ${seed} second ${second.t}`).toBe(all.filter((s) => s.second === second.t).length);
      expect(merged.eventLoopUtilization.length).toBe(parts.reduce((n, p) => n + p.dones.length, 0));
    }
  });
});
