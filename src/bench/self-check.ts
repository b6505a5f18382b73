import type { LoadResult } from './engine.js';
import { asClosed, type LoadSettings } from './load-settings.js';
import type { GeneratorCheck } from './measurement.js';

/** Descriptors the generator needs beyond its connections (stdio, ledger, /proc reads, libraries). */
export const SPARE_FILES = 64;
/**
 * A worker whose event loop was busier than this never waited for the servers: it was itself
 * the bottleneck, and its queue is in every latency it measured. (The loop's delay is reported
 * too, but is no verdict on its own: on a shared host it mostly shows CPU contention, which
 * slows the servers just as much.)
 */
export const MAX_EVENT_LOOP_UTILIZATION = 0.95;
/** The open model must send at least this share of the asked rate. */
export const MIN_RATE_SHARE = 0.95;
/** Open model: sends leaving their schedule later than this (p99) mean the generator fell behind. */
export const MAX_SEND_LAG_P99_MS = 50;

/** What the self-check reads of a load phase's result. */
export type GeneratorFigures = Pick<
  LoadResult,
  'measuredS' | 'measuredSent' | 'peakConnections' | 'connectErrors' | 'dropped' | 'sendLagP99' | 'eventLoopUtilization' | 'eventLoopDelayP99'
>;

/** A generator interrupted before its first phase began: it sent nothing and opened nothing. */
const NOTHING_SENT: GeneratorFigures = { measuredS: 0, measuredSent: 0, peakConnections: 0, connectErrors: 0, dropped: 0, sendLagP99: null, eventLoopUtilization: [], eventLoopDelayP99: [] };

/**
 * The check of a whole bench, as one: the scenario run's, with the calibration's reasons after
 * it (prefixed `calibration:`), or the calibration's alone when no scenario ran. The calibration
 * is a closed run whatever the scenario's model, and is checked as one.
 */
export function checkBench(load: LoadSettings, phases: { calibration: GeneratorFigures | null; scenario: GeneratorFigures | null }, files: number, cpuMeanPct: number): GeneratorCheck {
  const { calibration, scenario } = phases;
  if (scenario === null) return checkGenerator(asClosed(load), calibration ?? NOTHING_SENT, files, cpuMeanPct);
  const check = checkGenerator(load, scenario, files, cpuMeanPct);
  if (calibration === null) return check;
  const calibrationReasons = checkGenerator(asClosed(load), calibration, files, cpuMeanPct).reasons.map((reason) => `calibration: ${reason}`);
  const reasons = [...check.reasons, ...calibrationReasons];
  return { ...check, trustworthy: reasons.length === 0, reasons };
}

/**
 * Whether the generator itself can be trusted: enough file descriptors, every connection
 * really open, the asked rate really sent, no worker thread saturated. Each failure is a
 * reason in words; any reason makes the run exit 4.
 */
export function checkGenerator(load: LoadSettings, result: GeneratorFigures, files: number, cpuMeanPct: number): GeneratorCheck {
  const reasons: string[] = [];
  const rateAchieved = result.measuredS > 0 ? result.measuredSent / result.measuredS : 0;
  if (files < load.connections + SPARE_FILES) {
    reasons.push(`the open-files limit (${files}) is below the ${load.connections} connections asked plus ${SPARE_FILES} spare; raise it with ulimit -n`);
  }
  if (load.model === 'closed' && result.peakConnections < load.connections) {
    reasons.push(`only ${result.peakConnections} of the ${load.connections} connections asked were open at once`);
  }
  if (result.connectErrors > 0) reasons.push(`${result.connectErrors} connection attempt(s) failed`);
  if (load.model === 'open' && rateAchieved < MIN_RATE_SHARE * load.rate) {
    reasons.push(`sent ${rateAchieved.toFixed(1)} requests/s of the ${load.rate}/s asked (${result.dropped} dropped: no free connection among ${load.connections})`);
  }
  if (result.sendLagP99 !== null && result.sendLagP99 > MAX_SEND_LAG_P99_MS) {
    reasons.push(`sends left their schedule up to ${result.sendLagP99.toFixed(1)} ms late (p99 > ${MAX_SEND_LAG_P99_MS} ms): the generator fell behind`);
  }
  result.eventLoopUtilization.forEach((elu, worker) => {
    if (elu > MAX_EVENT_LOOP_UTILIZATION) {
      const delay = result.eventLoopDelayP99[worker] ?? 0;
      reasons.push(`load worker ${worker} was busy ${(elu * 100).toFixed(0)} % of the measured window (> ${MAX_EVENT_LOOP_UTILIZATION * 100} %), running ready answers up to ${delay.toFixed(0)} ms late (p99): the generator saturated`);
    }
  });
  return {
    trustworthy: reasons.length === 0,
    reasons,
    sharedHost: true,
    fileLimit: files,
    connectionsAsked: load.connections,
    connectionsPeak: result.peakConnections,
    connectErrors: result.connectErrors,
    rateAsked: load.model === 'open' ? load.rate : null,
    rateAchieved: Math.round(rateAchieved * 10) / 10,
    dropped: result.dropped,
    sendLagP99: result.sendLagP99,
    eventLoopUtilization: result.eventLoopUtilization,
    eventLoopDelayP99: result.eventLoopDelayP99,
    cpuMeanPct,
  };
}
