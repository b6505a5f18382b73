import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { Connections } from './executors/connections.js';
import { ClosedExecutor } from './executors/closed.js';
import { now } from './executors/attempt.js';
import type { Executor, ExecutorContext } from './executors/executor.js';
import { OpenExecutor } from './executors/open.js';
import { OpenSchedule } from './executors/open-schedule.js';
import { AvailabilityRecorder } from './availability-ticks.js';
import { encodeHistogram, latencyHistogram, recordMs } from './histograms.js';
import { LedgerWriter } from './ledger.js';
import type { DoneMessage, StopMessage, TickMessage, WorkerMessage, WorkerPlan } from './messages.js';
import { Recorder } from './recorder.js';
import { workload } from './workload.js';

/** Worker threads report what they measured this often; the parent draws and merges it. */
const TICK_MS = 1000;

/**
 * One load-generator thread: runs its share of the connections (closed) or of the schedule
 * (open), sends per-second parts while running and its exact histograms at the end.
 */
async function main(plan: WorkerPlan): Promise<void> {
  const ledger = plan.ledgerFile === null ? null : new LedgerWriter(plan.ledgerFile);
  const availability = plan.workload.kind === 'scenario' ? new AvailabilityRecorder(plan.startAt) : null;
  const recorder = new Recorder(plan.startAt, plan.warmupEndAt, ledger, availability);
  const connections = new Connections(plan.origin, { timeoutMs: plan.timeoutMs, strategy: plan.strategy });
  const ctx: ExecutorContext = { connections, next: workload(plan.workload, plan.worker), recorder, startAt: plan.startAt, endAt: plan.endAt };
  const sendLag = plan.model === 'open' ? latencyHistogram() : null;
  // Lateness counts in the measured window only, like every other figure.
  const executor = createExecutor(plan, ctx, (ms, intendedAt) => {
    if (sendLag !== null && intendedAt >= plan.warmupEndAt) recordMs(sendLag, ms);
  });
  parentPort?.on('message', (message: StopMessage) => executor.stop(message.graceMs));

  const elu = measureEventLoop(plan.warmupEndAt, plan.endAt);
  const ticker = setInterval(() => post(tick(plan, recorder, connections)), TICK_MS);
  await executor.run();
  clearInterval(ticker);
  connections.destroyAll();
  await ledger?.close();
  const done: DoneMessage = {
    type: 'done',
    worker: plan.worker,
    seconds: recorder.takeSeconds(),
    availability: recorder.availability?.take() ?? null,
    histograms: recorder.encodedHistograms(),
    phases: recorder.phases.encoded(),
    tally: recorder.tally,
    measuredSent: recorder.measuredSent,
    measuredCompleted: recorder.measuredCompleted,
    dropped: recorder.dropped,
    peakConnected: connections.peak,
    connectErrors: connections.connectErrors,
    sendLag: sendLag === null ? null : encodeHistogram(sendLag),
    eventLoop: elu(),
  };
  post(done);
}

function createExecutor(plan: WorkerPlan, ctx: ExecutorContext, onLag: (ms: number, intendedAt: number) => void): Executor {
  const rampMs = (plan.warmupEndAt - plan.startAt) / 2;
  if (plan.model === 'closed') return new ClosedExecutor(ctx, plan.connections, rampMs, plan.timeoutMs);
  // Lane i of L takes sends i, i + L, i + 2L … of the whole run's schedule.
  const { index, of } = plan.lane;
  const schedule = new OpenSchedule(plan.startAt + (index * 1000) / plan.rate, (of * 1000) / plan.rate, plan.endAt);
  return new OpenExecutor(ctx, schedule, plan.connections, plan.timeoutMs, onLag);
}

function tick(plan: WorkerPlan, recorder: Recorder, connections: Connections): TickMessage {
  return { type: 'tick', worker: plan.worker, seconds: recorder.takeSeconds(), availability: recorder.availability?.take() ?? null, connected: connections.connected, answered: recorder.answered, tally: recorder.tally };
}

/**
 * Over the measured window (or as much of it as ran): the event loop's busy share, and how late
 * it ran a ready callback (p99, ms) — the delay this thread adds to every latency it measures.
 */
function measureEventLoop(fromAt: number, toAt: number): () => { utilization: number; delayP99Ms: number } {
  let start: EventLoopUtilization | undefined;
  let end: EventLoopUtilization | undefined;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const startTimer = setTimeout(() => {
    start = performance.eventLoopUtilization();
    delay.enable();
  }, Math.max(0, fromAt - now()));
  const endTimer = setTimeout(() => {
    end = performance.eventLoopUtilization();
    delay.disable();
  }, Math.max(0, toAt - now()));
  return () => {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
    delay.disable();
    const last = end ?? performance.eventLoopUtilization();
    const utilization = start === undefined ? 0 : performance.eventLoopUtilization(last, start).utilization;
    // The monitor's own timer fires every `resolution` ms: what it reports beyond that is lateness.
    const delayP99Ms = delay.count === 0 ? 0 : Math.max(0, delay.percentile(99) / 1e6 - 5);
    return { utilization, delayP99Ms };
  };
}

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

main(workerData as WorkerPlan).catch((error: unknown) => {
  post({ type: 'failed', worker: (workerData as WorkerPlan).worker, message: error instanceof Error ? error.message : String(error) });
});
