import type { Histogram } from 'hdr-histogram-js';
import type { AvailabilityRecorder } from './availability-ticks.js';
import type { Verdict } from './classify.js';
import { encodeHistogram, intervalHistogram, latencyHistogram, recordMs } from './histograms.js';
import { PhaseHistograms } from './latency-phases.js';
import type { LedgerEntry, LedgerWriter } from './ledger.js';
import type { ErrorKind, RequestClass } from './measurement.js';
import type { SecondPart, Tally } from './messages.js';

interface SecondBucket {
  classes: Map<RequestClass, Histogram>;
  errors: number;
  dropped: number;
}

/**
 * One worker's measurements. A request belongs to the second, and to warm-up or the measured
 * window, of its intended send time; latency runs from that time to the answer, so a stalled
 * server cannot hide behind requests the generator held back (coordinated omission).
 */
export class Recorder {
  private readonly histograms = new Map<RequestClass, Histogram>();
  /** The measured answers' latency split by phase (their Server-Timing). */
  readonly phases = new PhaseHistograms();
  private seconds = new Map<number, SecondBucket>();
  readonly tally: Tally = { classes: {}, errors: {}, reasons: {}, purchases: { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 } };
  measuredSent = 0;
  measuredCompleted = 0;
  answered = 0;
  dropped = 0;

  constructor(
    private readonly startAt: number,
    private readonly warmupEndAt: number,
    private readonly ledger: LedgerWriter | null,
    /** Per 100 ms and route, warm-up included (issue #13); null for `--calibrate`'s healthz. */
    readonly availability: AvailabilityRecorder | null = null,
  ) {}

  sent(intendedAt: number): void {
    if (intendedAt >= this.warmupEndAt) this.measuredSent += 1;
  }

  /** Open model: a send that found no free connection (counted in `dropped` when measured). */
  drop(intendedAt: number): void {
    if (intendedAt >= this.warmupEndAt) this.dropped += 1;
    this.bucket(intendedAt).dropped += 1;
  }

  complete(intendedAt: number, finishedAt: number, verdict: Verdict, entry: Omit<LedgerEntry, 'outcome'> | null, serverTiming?: string): void {
    this.answered += 1;
    if (entry !== null && verdict.outcome !== null) this.purchase(entry, verdict.outcome);
    // Only purchases carry a ledger entry; every other request of a scenario is a view.
    this.availability?.record(entry !== null ? 'purchase' : 'view', intendedAt, finishedAt, verdict);
    const bucket = this.bucket(intendedAt);
    const latencyMs = finishedAt - intendedAt;
    recordMs(getOrCreate(bucket.classes, verdict.cls, intervalHistogram), latencyMs);
    if (verdict.error !== null) bucket.errors += 1;
    if (intendedAt < this.warmupEndAt) return;
    this.measuredCompleted += 1;
    recordMs(getOrCreate(this.histograms, verdict.cls, latencyHistogram), latencyMs);
    this.phases.record(verdict.cls, latencyMs, serverTiming);
    this.tally.classes[verdict.cls] = (this.tally.classes[verdict.cls] ?? 0) + 1;
    if (verdict.error !== null) this.countError(verdict.error);
    if (verdict.reason !== null) this.tally.reasons[verdict.reason] = (this.tally.reasons[verdict.reason] ?? 0) + 1;
  }

  /** The seconds recorded since the last call, encoded; the parent merges parts by second. */
  takeSeconds(): SecondPart[] {
    const parts: SecondPart[] = [];
    for (const [t, bucket] of this.seconds) {
      const classes: SecondPart['classes'] = {};
      for (const [cls, histogram] of bucket.classes) {
        classes[cls] = encodeHistogram(histogram);
        histogram.destroy();
      }
      parts.push({ t, classes, errors: bucket.errors, dropped: bucket.dropped });
    }
    this.seconds = new Map();
    return parts;
  }

  encodedHistograms(): Partial<Record<RequestClass, string>> {
    const encoded: Partial<Record<RequestClass, string>> = {};
    for (const [cls, histogram] of this.histograms) encoded[cls] = encodeHistogram(histogram);
    return encoded;
  }

  private purchase(entry: Omit<LedgerEntry, 'outcome'>, outcome: LedgerEntry['outcome']): void {
    const p = this.tally.purchases;
    p.attempted += 1;
    p[outcome] += 1;
    if (outcome === 'acknowledged') p.unitsSold += entry.quantity;
    this.ledger?.write({ key: entry.key, productId: entry.productId, quantity: entry.quantity, outcome, orderId: entry.orderId, status: entry.status });
  }

  private countError(kind: ErrorKind): void {
    this.tally.errors[kind] = (this.tally.errors[kind] ?? 0) + 1;
  }

  private bucket(intendedAt: number): SecondBucket {
    const t = Math.max(0, Math.floor((intendedAt - this.startAt) / 1000));
    let bucket = this.seconds.get(t);
    if (bucket === undefined) {
      bucket = { classes: new Map(), errors: 0, dropped: 0 };
      this.seconds.set(t, bucket);
    }
    return bucket;
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
