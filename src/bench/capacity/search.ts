/**
 * The capacity search (issue #12, `bench --find-capacity`) as a pure function over a probe:
 * step the offered rate up (×2 from `startRate`) until a step fails, then bisect between the
 * highest rate that passed and the lowest that failed until they are within `tolerance` of each
 * other. Every probe costs a step of real load, so the search stops early when the next one
 * would not fit in `maxSteps`, and says so.
 */
export interface SearchSettings {
  /** The first rate tried, requests per second. */
  startRate: number;
  /** Converged when (failed − passed) ≤ tolerance × failed, e.g. 0.05. */
  tolerance: number;
  /** The most probes the budget allows (at least 1). */
  maxSteps: number;
}

export type StopReason = 'converged' | 'budget' | 'interrupted';

export interface SearchResult {
  /** The highest rate that passed; null when none did. */
  passed: number | null;
  /** The lowest rate that failed; null when every probe passed (the capacity is above). */
  failed: number | null;
  stoppedBy: StopReason;
  /** Each probe in the order run. */
  steps: { rate: number; passed: boolean }[];
}

/** `probe` runs one step at `rate` and says whether every threshold held; null: interrupted. */
export type Probe = (rate: number) => Promise<boolean | null>;

export async function searchCapacity(settings: SearchSettings, probe: Probe): Promise<SearchResult> {
  if (!(settings.startRate > 0) || !(settings.tolerance > 0 && settings.tolerance < 1) || !(settings.maxSteps >= 1)) {
    throw new RangeError(`bad capacity search settings ${JSON.stringify(settings)}`);
  }
  const steps: SearchResult['steps'] = [];
  let passed: number | null = null;
  let failed: number | null = null;
  const converged = () => failed !== null && failed - (passed ?? 0) <= settings.tolerance * failed;
  while (!converged()) {
    if (steps.length >= settings.maxSteps) return { passed, failed, stoppedBy: 'budget', steps };
    const rate = nextRate(settings.startRate, passed, failed);
    const ok = await probe(rate);
    if (ok === null) return { passed, failed, stoppedBy: 'interrupted', steps };
    steps.push({ rate, passed: ok });
    if (ok) passed = rate;
    else failed = rate;
  }
  return { passed, failed, stoppedBy: 'converged', steps };
}

/** Up ×2 until a failure, then halfway between (0 when nothing passed yet), in whole requests/s. */
function nextRate(start: number, passed: number | null, failed: number | null): number {
  if (failed === null) return passed === null ? start : passed * 2;
  const low = passed ?? 0;
  return Math.max(1, Math.round((low + failed) / 2));
}
