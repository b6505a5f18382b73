import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, intervalHistogram, mergeEncoded } from './histograms.js';
import type { RequestClass, SecondSample } from './measurement.js';
import type { SecondPart } from './messages.js';

/** A worker's open connections as reported in second `t`. */
export interface ConnectionReport {
  t: number;
  worker: number;
  connected: number;
}

interface Second {
  classes: Map<RequestClass, Histogram>;
  errors: number;
  dropped: number;
  connections: Map<number, number>;
}

const ms = (us: number) => Math.round(us) / 1000;

/**
 * The per-second series, merged from every worker's parts: a second may arrive in several parts
 * (answers to its requests that came late), and each part is added to what is there.
 */
export class Series {
  private readonly seconds = new Map<number, Second>();

  constructor(private readonly warmupMs: number) {}

  add(parts: SecondPart[]): void {
    for (const part of parts) {
      const second = this.second(part.t);
      for (const [cls, encoded] of Object.entries(part.classes) as [RequestClass, string][]) {
        second.classes.set(cls, mergeEncoded(second.classes.get(cls), encoded, intervalHistogram));
      }
      second.errors += part.errors;
      second.dropped += part.dropped;
    }
  }

  /** A worker's open connections at second `t` (the last report in that second wins). */
  connections(t: number, worker: number, connected: number): void {
    this.second(t).connections.set(worker, connected);
  }

  /**
   * Second `t`'s figures. Workers report their open connections about once a second, on their own
   * timers: one whose report fell into the next second counts with its last earlier report (its
   * connections did not vanish), so the sum does not swing between all, half and none.
   */
  sample(t: number): SecondSample | undefined {
    const second = this.seconds.get(t);
    if (second === undefined) return undefined;
    return this.sampleOf(t, second, this.connectedBy(t));
  }

  /**
   * Everything added so far as one part per second, and every connection report: what another
   * Series (a merge of load agents, report/merge-agents.ts) adds to reproduce this one exactly.
   */
  exportParts(): { seconds: SecondPart[]; connections: ConnectionReport[] } {
    const seconds: SecondPart[] = [];
    const connections: ConnectionReport[] = [];
    for (const [t, second] of [...this.seconds].sort(([a], [b]) => a - b)) {
      const classes: SecondPart['classes'] = {};
      for (const [cls, histogram] of second.classes) classes[cls] = encodeHistogram(histogram);
      seconds.push({ t, classes, errors: second.errors, dropped: second.dropped });
      for (const [worker, connected] of second.connections) connections.push({ t, worker, connected });
    }
    return { seconds, connections };
  }

  samples(): SecondSample[] {
    return [...this.seconds.keys()].sort((a, b) => a - b).flatMap((t) => this.sample(t) ?? []);
  }

  /** Each worker's open connections in second `t`: its report in that second, or its latest before. */
  private connectedBy(t: number): Map<number, number> {
    const latest = new Map<number, { t: number; connected: number }>();
    for (const [at, second] of this.seconds) {
      if (at > t) continue;
      for (const [worker, connected] of second.connections) {
        const known = latest.get(worker);
        if (known === undefined || known.t <= at) latest.set(worker, { t: at, connected });
      }
    }
    return new Map([...latest].map(([worker, { connected }]) => [worker, connected]));
  }

  private sampleOf(t: number, second: Second, connectedBy: Map<number, number>): SecondSample {
    const classes: SecondSample['classes'] = {};
    let count = 0;
    for (const [cls, histogram] of second.classes) {
      classes[cls] = { count: histogram.totalCount, p50: ms(histogram.getValueAtPercentile(50)), p99: ms(histogram.getValueAtPercentile(99)) };
      count += histogram.totalCount;
    }
    const connections = [...connectedBy.values()].reduce((a, b) => a + b, 0);
    return { t, warmup: t * 1000 < this.warmupMs, rps: count, classes, errors: second.errors, connections, dropped: second.dropped };
  }

  private second(t: number): Second {
    let second = this.seconds.get(t);
    if (second === undefined) {
      second = { classes: new Map(), errors: 0, dropped: 0, connections: new Map() };
      this.seconds.set(t, second);
    }
    return second;
  }
}
