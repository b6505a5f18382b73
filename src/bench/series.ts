import type { Histogram } from 'hdr-histogram-js';
import { intervalHistogram, mergeEncoded } from './histograms.js';
import type { RequestClass, SecondSample } from './measurement.js';
import type { SecondPart } from './messages.js';

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

  sample(t: number): SecondSample | undefined {
    const second = this.seconds.get(t);
    if (second === undefined) return undefined;
    const classes: SecondSample['classes'] = {};
    let count = 0;
    for (const [cls, histogram] of second.classes) {
      classes[cls] = { count: histogram.totalCount, p50: ms(histogram.getValueAtPercentile(50)), p99: ms(histogram.getValueAtPercentile(99)) };
      count += histogram.totalCount;
    }
    const connections = [...second.connections.values()].reduce((a, b) => a + b, 0);
    return { t, warmup: t * 1000 < this.warmupMs, rps: count, classes, errors: second.errors, connections, dropped: second.dropped };
  }

  samples(): SecondSample[] {
    return [...this.seconds.keys()].sort((a, b) => a - b).flatMap((t) => this.sample(t) ?? []);
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
