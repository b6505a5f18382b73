import { noAvailability } from '../../src/bench/availability-ticks.js';
import type { LoadResult } from '../../src/bench/engine.js';
import { errorsByOrigin } from '../../src/bench/measurement.js';

/** A load phase's result: 10 s measured, 1000 requests/s sent and answered, two idle workers. */
export function loadResult(over: Partial<LoadResult> = {}): LoadResult {
  return {
    interrupted: false,
    startAt: 1_700_000_000_000,
    measuredS: 10,
    classes: {},
    histograms: {},
    phases: {},
    errors: { connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 },
    errorsByOrigin: errorsByOrigin(),
    series: [],
    availability: noAvailability(10_000),
    purchases: { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 },
    measuredSent: 10_000,
    measuredCompleted: 10_000,
    dropped: 0,
    peakConnections: 100,
    connectErrors: 0,
    sendLagP99: null,
    eventLoopUtilization: [0.5, 0.5],
    eventLoopDelayP99: [2, 2],
    ledgerParts: [],
    ...over,
  };
}
