import { Worker } from 'node:worker_threads';
import type { AvailabilityTicks } from './availability-ticks.js';
import { agentConnections, laneOf, requireTimeBeforeStart, type AgentPlace } from './agent.js';
import { epochOnLoadClock, now } from './executors/attempt.js';
import type { LatencyBreakdown } from './latency-phases.js';
import { LoadMerge, sumTallies, type LoadParts, type LoadSpans } from './load-merge.js';
import { arrivalOf, type LoadSettings } from './load-settings.js';
import type { ErrorKind, ErrorsByOrigin, LatencySummary, PurchaseTally, RequestClass, SecondSample } from './measurement.js';
import type { DoneMessage, StopMessage, Tally, WorkerMessage, WorkerPlan } from './messages.js';
import { workerScript } from './worker-script.js';
import type { WorkloadSpec } from './workload.js';

/** One load phase: the load to offer, where to send it and what to ask. */
export type LoadPlan = LoadSettings & {
  origin: string;
  strategy: string | undefined;
  workload: WorkloadSpec;
  /** Where workers write their ledger parts (`<prefix>.<worker>`), or null for no ledger. */
  ledgerPrefix: string | null;
  /**
   * `bench --agent I/N`: this process runs agent I's share of the load (the settings above are the
   * whole run's), starting at the agreed time; the result then carries its mergeable `parts`.
   */
  agent?: AgentPlace;
};

/** What the engine tells a live view, once a second. */
export interface LoadProgress {
  elapsedS: number;
  totalS: number;
  warmup: boolean;
  /** Answers per second since the last progress report. */
  rps: number;
  /** Two seconds back, when nearly all its answers are in (latencies by class). */
  last: SecondSample | undefined;
  tally: Tally;
  connected: number;
}

export interface LoadHooks {
  onProgress(progress: LoadProgress): void;
  /** Called when warm-up ends and the measured window begins (server counters are read then). */
  onMeasuredStart?: () => void;
  /**
   * Called once, as soon as the load's start is fixed and before any worker sends: `startAtMs` is
   * absolute (performance.timeOrigin + performance.now(), executors/attempt.ts `now`), the zero
   * of the series and of every time in a fault timeline. The fault driver places faults by it.
   */
  onStart?: (startAtMs: number) => void;
}

export interface LoadResult {
  interrupted: boolean;
  /** When the load started (warm-up included), absolute ms as `LoadHooks.onStart` got it. */
  startAt: number;
  measuredS: number;
  classes: Partial<Record<RequestClass, LatencySummary>>;
  histograms: Partial<Record<RequestClass, string>>;
  /** Each class's latency split by phase, from the answers' Server-Timing. */
  phases: LatencyBreakdown;
  errors: Record<ErrorKind, number>;
  /** The same errors by origin and reason. */
  errorsByOrigin: ErrorsByOrigin;
  series: SecondSample[];
  /** Per 100 ms of send time and route, warm-up included, and when successes completed (issue #13). */
  availability: AvailabilityTicks;
  purchases: PurchaseTally;
  measuredSent: number;
  measuredCompleted: number;
  dropped: number;
  /** The sum of each worker's most connections open at once. */
  peakConnections: number;
  connectErrors: number;
  sendLagP99: number | null;
  eventLoopUtilization: number[];
  /** Per worker: how late its event loop ran ready callbacks, p99 in ms. */
  eventLoopDelayP99: number[];
  ledgerParts: string[];
  /** A load agent's measurements in mergeable form (load-merge.ts); only when the plan had `agent`. */
  parts?: LoadParts;
}

/** How long after an interrupt requests still in flight may finish before they are aborted. */
const INTERRUPT_GRACE_MS = 2000;
/** Time for the workers to load and connect their first request before the shared start. */
const START_DELAY_MS = 300;

/**
 * Runs a load plan on worker threads and merges what they measured: histograms exactly (HDR
 * buckets added), per-second parts by second, counts by sum. `signal` ends the run early; the
 * result then holds everything sent until then.
 */
export async function runLoad(plan: LoadPlan, hooks: LoadHooks, signal?: AbortSignal): Promise<LoadResult> {
  const startAt = plan.agent === undefined ? now() + START_DELAY_MS : epochOnLoadClock(plan.agent.startAtMs);
  // The last gate before anything is sent: the workers need a moment to start and connect.
  if (plan.agent !== undefined) requireTimeBeforeStart(plan.agent.startAtMs, START_DELAY_MS / 2);
  const warmupEndAt = startAt + plan.warmupMs;
  const endAt = warmupEndAt + plan.durationMs;
  hooks.onStart?.(startAt);
  const merged = new LoadMerge(plan.warmupMs);
  const tallies = new Map<number, Tally>();
  const connected = new Map<number, number>();
  const answered = new Map<number, number>();
  let stoppedAt: number | undefined;

  const plans = workerPlans(plan, startAt, warmupEndAt, endAt);
  const script = workerScript();
  const workers = plans.map((p) => new Worker(script, { workerData: p }));
  const stop = () => {
    stoppedAt ??= now();
    const message: StopMessage = { type: 'stop', graceMs: INTERRUPT_GRACE_MS };
    for (const worker of workers) worker.postMessage(message);
  };
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop(); // interrupted before the load began: an abort event will not come again
  const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  let previous = { at: now(), answered: 0 };
  const progress = setInterval(() => {
    const at = now();
    // An agent waiting for the agreed start has nothing to show yet.
    if (at < startAt) return;
    const elapsedS = Math.max(0, (at - startAt) / 1000);
    const rps = Math.round((sum(answered) - previous.answered) / ((at - previous.at) / 1000));
    previous = { at, answered: sum(answered) };
    // Seconds are filed by send time; two seconds back, nearly all of a second's answers are in.
    const last = merged.series.sample(Math.floor(elapsedS - Math.min(plan.timeoutMs / 1000, 2)));
    hooks.onProgress({ elapsedS, totalS: (endAt - startAt) / 1000, warmup: at < warmupEndAt, rps, last, tally: sumTallies([...tallies.values()]), connected: sum(connected) });
  }, 1000);
  const measuredStart = setTimeout(() => hooks.onMeasuredStart?.(), Math.max(0, warmupEndAt - now()));

  try {
    const dones = await Promise.all(
      workers.map((worker) =>
        collect(worker, (message) => {
          merged.add(message);
          if (message.type === 'tick') {
            tallies.set(message.worker, message.tally);
            connected.set(message.worker, message.connected);
            answered.set(message.worker, message.answered);
            // Ticks before the start (an agent's workers wait for the agreed time) belong to no second.
            const t = Math.floor((now() - startAt) / 1000);
            if (t >= 0) merged.connected({ t, worker: message.worker, connected: message.connected });
          }
        }),
      ),
    );
    const measuredEnd = Math.min(stoppedAt ?? endAt, endAt);
    const spans: LoadSpans = { startAt, measuredS: Math.max(0, (measuredEnd - warmupEndAt) / 1000), endMs: Math.max(0, measuredEnd - startAt) };
    const interrupted = stoppedAt !== undefined;
    const result = merged.result(dones, spans, interrupted, ledgerPartsOf(plans));
    return plan.agent === undefined ? result : { ...result, parts: merged.parts(dones, spans, interrupted) };
  } finally {
    clearInterval(progress);
    clearTimeout(measuredStart);
    signal?.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Each worker's share: of the connections, and (open model) its lane of the schedule (agent.ts `laneOf`; one agent: 0 of 1). */
function workerPlans(plan: LoadPlan, startAt: number, warmupEndAt: number, endAt: number): WorkerPlan[] {
  const agent = plan.agent ?? { index: 0, count: 1 };
  const connections = agentConnections(plan.connections, agent);
  const count = Math.max(1, Math.min(plan.workers, connections));
  return Array.from({ length: count }, (_, worker) => ({
    ...arrivalOf(plan),
    worker,
    workers: count,
    lane: laneOf(agent, worker, count),
    origin: plan.origin,
    connections: Math.floor(connections / count) + (worker < connections % count ? 1 : 0),
    startAt,
    warmupEndAt,
    endAt,
    timeoutMs: plan.timeoutMs,
    strategy: plan.strategy,
    workload: plan.workload,
    ledgerFile: plan.ledgerPrefix === null ? null : `${plan.ledgerPrefix}.${worker}`,
  }));
}

function ledgerPartsOf(plans: WorkerPlan[]): string[] {
  return plans.flatMap((p) => (p.ledgerFile === null ? [] : [p.ledgerFile]));
}

/** Resolves with the worker's final message; ticks go to `onMessage` as they come. */
function collect(worker: Worker, onMessage: (m: Exclude<WorkerMessage, { type: 'failed' }>) => void): Promise<DoneMessage> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'failed') return reject(new Error(`load worker ${message.worker} failed: ${message.message}`));
      onMessage(message);
      if (message.type === 'done') resolve(message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`load worker exited with code ${code} before it finished`)));
  });
}
