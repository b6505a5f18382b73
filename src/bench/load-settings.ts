import type { LoadModel } from '../scenario/schema.js';

/**
 * How requests arrive, the same union from the scenario file to each worker thread. Closed:
 * every connection sends its next request as soon as the last answer came. Open: `rate`
 * requests per second on a fixed schedule, whatever the answers do.
 */
export type Arrival = { model: 'closed' } | { model: 'open'; rate: number };

/** The load a run offers. Times in milliseconds, like every time inside the bench. */
export type LoadSettings = Arrival & {
  /** Closed: the connections kept busy. Open: the most requests in flight at once. */
  connections: number;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  /** Load-generator threads. */
  workers: number;
};

export function loadSettings(load: LoadModel, workers: number): LoadSettings {
  const rest = { connections: load.connections, durationMs: load.duration, warmupMs: load.warmup, timeoutMs: load.timeout, workers };
  return { ...arrivalOf(load), ...rest };
}

/** The same load as a closed run: the calibration is one whatever the scenario's model. */
export function asClosed(load: LoadSettings): LoadSettings {
  const { connections, durationMs, warmupMs, timeoutMs, workers } = load;
  return { model: 'closed', connections, durationMs, warmupMs, timeoutMs, workers };
}

/** The arrival part alone (an open run's rate kept, nothing else). */
export function arrivalOf(load: Arrival): Arrival {
  return load.model === 'open' ? { model: 'open', rate: load.rate } : { model: 'closed' };
}
