import type { Histogram } from 'hdr-histogram-js';
import { AvailabilityMerge, type AvailabilityPart, type AvailabilityTicks } from './availability-ticks.js';
import { encodeHistogram, latencyHistogram, mergeEncoded, summarize } from './histograms.js';
import { mergePhases } from './latency-phases.js';
import { errorCounts, errorsByOrigin, noPurchases, type ErrorKind, type ErrorReason, type PurchaseTally, type RequestClass } from './measurement.js';
import type { DoneMessage, SecondPart, Tally } from './messages.js';
import { Series, type ConnectionReport } from './series.js';
import type { LoadResult } from './engine.js';

/** Where a load ran on the clock: its start (absolute), the measured seconds, and when sending ended (ms since the start). */
export interface LoadSpans {
  startAt: number;
  measuredS: number;
  endMs: number;
}

/**
 * What one load generator measured, in the form in which several merge exactly (a load agent's
 * `agent.json`): per-second histograms, availability counts and success steps, connection
 * reports, and each worker's final message with its whole-run histograms. Adding parts is
 * adding HDR buckets, counts and sets: the merge of N agents is what one generator running
 * all of their workers would have computed.
 */
export interface LoadParts {
  spans: LoadSpans;
  warmupMs: number;
  interrupted: boolean;
  seconds: SecondPart[];
  connections: ConnectionReport[];
  availability: AvailabilityTicks;
  dones: DoneMessage[];
}

/** Worker numbers of agent I are offset by I × this in a merge, so workers of two agents stay apart. */
const WORKERS_PER_AGENT = 1024;

/**
 * The engine's running merge of its workers' messages (per-second parts, availability, connection
 * reports), and the final merge of their `done` messages into a `LoadResult`.
 */
export class LoadMerge {
  readonly series: Series;
  private readonly availability = new AvailabilityMerge();

  constructor(readonly warmupMs: number) {
    this.series = new Series(warmupMs);
  }

  add(message: { seconds: SecondPart[]; availability: AvailabilityPart | null }): void {
    this.series.add(message.seconds);
    this.availability.add(message.availability);
  }

  connected(report: ConnectionReport): void {
    this.series.connections(report.t, report.worker, report.connected);
  }

  result(dones: DoneMessage[], spans: LoadSpans, interrupted: boolean, ledgerParts: string[]): LoadResult {
    return mergeDones(dones, this.series, this.availability.result(spans.endMs), spans, interrupted, ledgerParts);
  }

  /** This load as parts another merge can add (`mergeLoadParts`). */
  parts(dones: DoneMessage[], spans: LoadSpans, interrupted: boolean): LoadParts {
    // A done message's seconds and availability are in the series and counts already.
    const finals = dones.map((d) => ({ ...d, seconds: [], availability: null }));
    return { spans, warmupMs: this.warmupMs, interrupted, ...this.series.exportParts(), availability: this.availability.result(spans.endMs), dones: finals };
  }
}

/**
 * Several generators' loads as one. They started at the agreed instant and each counts its
 * seconds from it, so their seconds line up as they are (a machine's clock off by a whole
 * second would misplace its seconds: the agents' clocks must agree). The measured window is the
 * longest of theirs, and the run counts as interrupted when any of them was. The ledger parts
 * are the agents' own business (report merge joins them).
 */
export function mergeLoadParts(parts: readonly LoadParts[]): LoadResult {
  const first = parts[0];
  if (first === undefined) throw new Error('no load parts to merge');
  const merge = new LoadMerge(first.warmupMs);
  parts.forEach((part, agent) => {
    merge.add({ seconds: part.seconds, availability: part.availability });
    for (const report of part.connections) merge.connected({ ...report, worker: agent * WORKERS_PER_AGENT + report.worker });
  });
  const spans: LoadSpans = {
    startAt: first.spans.startAt,
    measuredS: Math.max(...parts.map((p) => p.spans.measuredS)),
    endMs: Math.max(...parts.map((p) => p.spans.endMs)),
  };
  return merge.result(
    parts.flatMap((p) => p.dones),
    spans,
    parts.some((p) => p.interrupted),
    [],
  );
}

function mergeDones(dones: DoneMessage[], series: Series, availability: AvailabilityTicks, spans: LoadSpans, interrupted: boolean, ledgerParts: string[]): LoadResult {
  const merged = new Map<RequestClass, Histogram>();
  let sendLag: Histogram | undefined;
  for (const done of dones) {
    for (const [cls, encoded] of Object.entries(done.histograms) as [RequestClass, string][]) {
      merged.set(cls, mergeEncoded(merged.get(cls), encoded, latencyHistogram));
    }
    if (done.sendLag !== null) sendLag = mergeEncoded(sendLag, done.sendLag, latencyHistogram);
  }
  const classes: LoadResult['classes'] = {};
  const histograms: LoadResult['histograms'] = {};
  for (const [cls, histogram] of merged) {
    classes[cls] = summarize(histogram);
    histograms[cls] = encodeHistogram(histogram);
  }
  const tally = sumTallies(dones.map((d) => d.tally));
  const sum = (pick: (d: DoneMessage) => number) => dones.reduce((total, d) => total + pick(d), 0);
  return {
    interrupted,
    startAt: spans.startAt,
    measuredS: spans.measuredS,
    classes,
    histograms,
    phases: mergePhases(dones.map((d) => d.phases)),
    errors: errorCounts(tally.errors),
    errorsByOrigin: errorsByOrigin(tally.reasons),
    series: series.samples(),
    availability,
    purchases: tally.purchases,
    measuredSent: sum((d) => d.measuredSent),
    measuredCompleted: sum((d) => d.measuredCompleted),
    dropped: sum((d) => d.dropped),
    peakConnections: sum((d) => d.peakConnected),
    connectErrors: sum((d) => d.connectErrors),
    sendLagP99: sendLag === undefined ? null : summarize(sendLag).p99,
    eventLoopUtilization: dones.map((d) => Math.round(d.eventLoop.utilization * 1000) / 1000),
    eventLoopDelayP99: dones.map((d) => Math.round(d.eventLoop.delayP99Ms * 10) / 10),
    ledgerParts,
  };
}

/** Counts of several workers (or agents) as one: every class, error kind, reason and purchase figure added. */
export function sumTallies(tallies: Tally[]): Tally {
  const total: Tally = { classes: {}, errors: {}, reasons: {}, purchases: noPurchases() };
  for (const tally of tallies) {
    for (const [cls, n] of Object.entries(tally.classes) as [RequestClass, number][]) total.classes[cls] = (total.classes[cls] ?? 0) + n;
    for (const [kind, n] of Object.entries(tally.errors) as [ErrorKind, number][]) total.errors[kind] = (total.errors[kind] ?? 0) + n;
    for (const [reason, n] of Object.entries(tally.reasons) as [ErrorReason, number][]) total.reasons[reason] = (total.reasons[reason] ?? 0) + n;
    for (const key of Object.keys(total.purchases) as (keyof PurchaseTally)[]) total.purchases[key] += tally.purchases[key];
  }
  return total;
}
