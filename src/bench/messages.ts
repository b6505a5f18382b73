import type { AvailabilityPart } from './availability-ticks.js';
import type { PhaseParts } from './latency-phases.js';
import type { Arrival } from './load-settings.js';
import type { ErrorKind, ErrorReason, PurchaseTally, RequestClass } from './measurement.js';
import type { WorkloadSpec } from './workload.js';

/**
 * What the parent hands each worker thread (structured-clone data only). Open model: `rate` is
 * the whole run's rate; each worker sends every `workers`-th slot of it.
 */
export type WorkerPlan = Arrival & {
  worker: number;
  workers: number;
  /** Open model: this worker sends the whole run's sends n with n mod `of` = `index` (engine.ts `workerPlans`). */
  lane: { index: number; of: number };
  origin: string;
  /** This worker's share of the connections. */
  connections: number;
  /** Absolute times (performance.timeOrigin + performance.now(), ms), shared by all workers. */
  startAt: number;
  warmupEndAt: number;
  endAt: number;
  timeoutMs: number;
  strategy: string | undefined;
  workload: WorkloadSpec;
  ledgerFile: string | null;
};

/** One second's part from one worker; the parent adds parts of the same second together. */
export interface SecondPart {
  t: number;
  /** Encoded interval histograms (µs) per class. */
  classes: Partial<Record<RequestClass, string>>;
  errors: number;
  dropped: number;
}

export interface Tally {
  classes: Partial<Record<RequestClass, number>>;
  errors: Partial<Record<ErrorKind, number>>;
  /** The same errors by origin and reason. */
  reasons: Partial<Record<ErrorReason, number>>;
  purchases: PurchaseTally;
}

export interface TickMessage {
  type: 'tick';
  worker: number;
  seconds: SecondPart[];
  /** Per 100 ms and route since the last message; null when the worker does not count them (calibration). */
  availability: AvailabilityPart | null;
  connected: number;
  /** Requests answered (or failed) so far, warm-up included: the live view's rate. */
  answered: number;
  /** Counts so far (measured window for classes and errors, the whole run for purchases). */
  tally: Tally;
}

export interface DoneMessage {
  type: 'done';
  worker: number;
  seconds: SecondPart[];
  availability: AvailabilityPart | null;
  histograms: Partial<Record<RequestClass, string>>;
  /** The measured answers' latency by class and phase (bench/latency-phases.ts). */
  phases: PhaseParts;
  tally: Tally;
  /** Requests sent in the measured window, and of those the ones that got an answer or error. */
  measuredSent: number;
  measuredCompleted: number;
  dropped: number;
  peakConnected: number;
  connectErrors: number;
  /** Open model: how late sends left the schedule (µs histogram), null for closed. */
  sendLag: string | null;
  /** Busy share of the measured window, and how late ready callbacks ran (p99, ms). */
  eventLoop: { utilization: number; delayP99Ms: number };
}

export interface FailedMessage {
  type: 'failed';
  worker: number;
  message: string;
}

export type WorkerMessage = TickMessage | DoneMessage | FailedMessage;

/** Parent → worker: stop sending, let in-flight requests finish for `graceMs`, then abort them. */
export interface StopMessage {
  type: 'stop';
  graceMs: number;
}
