import type { Histogram } from 'hdr-histogram-js';
import { encodeHistogram, intervalHistogram, mergeEncoded, recordMs, summarize } from './histograms.js';
import type { RequestClass } from './measurement.js';
import { LATENCY_PHASES, splitLatency, type LatencyPhase } from './server-timing.js';

/** Encoded phase histograms of one worker: class → phase → histogram (µs, 2 significant digits). */
export type PhaseParts = Partial<Record<RequestClass, Partial<Record<LatencyPhase, string>>>>;

/** One class's latency split by phase (report.json `phases`, docs/report.md). */
export interface ClassPhases {
  /** Answers of the class whose time could be split (they carried the app's Server-Timing). */
  answers: number;
  phases: Partial<Record<LatencyPhase, { mean: number; p50: number; p99: number }>>;
  /** The phase with the most time in all (the highest mean): where this class's time goes. */
  dominant: LatencyPhase;
}

export type LatencyBreakdown = Partial<Record<RequestClass, ClassPhases>>;

/**
 * One worker's histograms per class and phase, in the measured window. Two significant digits:
 * the split says where the time goes, the class's own histogram keeps the exact latency.
 */
export class PhaseHistograms {
  private readonly histograms = new Map<RequestClass, Map<LatencyPhase, Histogram>>();

  record(cls: RequestClass, latencyMs: number, serverTiming: string | undefined): void {
    const parts = splitLatency(latencyMs, serverTiming);
    if (parts === null) return;
    let byPhase = this.histograms.get(cls);
    if (byPhase === undefined) {
      byPhase = new Map();
      this.histograms.set(cls, byPhase);
    }
    for (const [phase, ms] of parts) {
      let histogram = byPhase.get(phase);
      if (histogram === undefined) {
        histogram = intervalHistogram();
        byPhase.set(phase, histogram);
      }
      recordMs(histogram, ms);
    }
  }

  encoded(): PhaseParts {
    const parts: PhaseParts = {};
    for (const [cls, byPhase] of this.histograms) {
      const encoded: Partial<Record<LatencyPhase, string>> = {};
      for (const [phase, histogram] of byPhase) encoded[phase] = encodeHistogram(histogram);
      parts[cls] = encoded;
    }
    return parts;
  }
}

/** Merges the workers' parts exactly and summarizes each class's phases. */
export function mergePhases(parts: PhaseParts[]): LatencyBreakdown {
  const merged = new Map<RequestClass, Map<LatencyPhase, Histogram>>();
  for (const part of parts) {
    for (const [cls, byPhase] of Object.entries(part) as [RequestClass, Partial<Record<LatencyPhase, string>>][]) {
      const into = merged.get(cls) ?? new Map<LatencyPhase, Histogram>();
      merged.set(cls, into);
      for (const [phase, encoded] of Object.entries(byPhase) as [LatencyPhase, string][]) into.set(phase, mergeEncoded(into.get(phase), encoded, intervalHistogram));
    }
  }
  const breakdown: LatencyBreakdown = {};
  for (const [cls, byPhase] of merged) {
    const phases: ClassPhases['phases'] = {};
    let answers = 0;
    let dominant: LatencyPhase = 'edge';
    for (const phase of LATENCY_PHASES) {
      const histogram = byPhase.get(phase);
      if (histogram === undefined) continue;
      const { mean, p50, p99, count } = summarize(histogram);
      histogram.destroy();
      phases[phase] = { mean, p50, p99 };
      // Every split answer has an edge and an app-other part: their count is the answers'.
      if (phase === 'edge') answers = count;
      if (mean > (phases[dominant]?.mean ?? -1)) dominant = phase;
    }
    breakdown[cls] = { answers, phases, dominant };
  }
  return breakdown;
}

/**
 * One line of a class's split for the terminal: the mean of its largest phases (means add up
 * to the class's mean, percentiles do not), e.g. "app-queue 210.4 · edge 20.1 · tx 15.0 ms (mean)".
 */
export function describePhases(split: ClassPhases, most = 4): string {
  const ranked = (Object.entries(split.phases) as [LatencyPhase, { mean: number }][]).sort(([, a], [, b]) => b.mean - a.mean).slice(0, most);
  return `${ranked.map(([phase, { mean }]) => `${phase} ${mean.toFixed(1)}`).join(' · ')} ms (mean)`;
}
