import type { Verdict } from './classify.js';
import type { ErrorReason, RequestClass } from './measurement.js';

/**
 * Availability at a fault's resolution (issue #13): per 100 ms of intended send time and per
 * route, the attempts, the definite answers and the failures by reason; and, for recovery, the
 * 10 ms steps in which a success of each route completed. Seconds (the series) are too coarse
 * for a fault of a few hundred milliseconds; a set of steps keeps recovery exact to 10 ms without
 * a timestamp per request.
 */
export const ROUTES = ['view', 'purchase'] as const;
export type Route = (typeof ROUTES)[number];

/** The classes of a route's definite answers: the threshold metrics `view` and `purchase`. */
export const ROUTE_CLASSES: Record<Route, readonly RequestClass[]> = {
  view: ['view_hit', 'view_miss'],
  purchase: ['purchase_ok', 'purchase_sold_out'],
};

/** Counting resolution, ms of intended send time since the load's start. */
export const TICK_MS = 100;
/** Resolution of a success's completion time, ms since the load's start. */
export const STEP_MS = 10;

/** One route's requests in one tick (or any span): every attempt is a success or a failure. */
export interface RouteCounts {
  attempts: number;
  /** A definite answer: view_hit, view_miss, purchase_ok, purchase_sold_out. */
  successes: number;
  /** Failed attempts by origin and reason (measurement.ts), counted reasons only. */
  failures: Partial<Record<ErrorReason, number>>;
  /** Purchases whose outcome is unknown (ledger `unknown`, Jepsen's info): among the failures. */
  unknown: number;
}

export interface AvailabilityTick {
  /** Tick index: intended send time in [t·TICK_MS, (t+1)·TICK_MS) ms since the load's start. */
  t: number;
  view: RouteCounts;
  purchase: RouteCounts;
}

/** What a worker sends with each tick message: its ticks and success steps since the last one. */
export interface AvailabilityPart {
  ticks: AvailabilityTick[];
  /** Per route, the STEP_MS steps (index since the load's start) in which a success completed. */
  successSteps: Record<Route, number[]>;
  /** The STEP_MS steps in which an acknowledged purchase (201) completed. */
  acknowledgedSteps: number[];
}

/** The whole load's, merged from every worker (LoadResult `availability`). */
export interface AvailabilityTicks {
  tickMs: number;
  stepMs: number;
  /** When sending ended, ms since the load's start: the run's end, or the interrupt. */
  endMs: number;
  /** Sorted by `t`; a tick without requests is absent. */
  ticks: AvailabilityTick[];
  /** Per route, sorted ascending. */
  successSteps: Record<Route, number[]>;
  /**
   * The STEP_MS steps in which an acknowledged purchase (201 with an order) completed, sorted.
   * Unlike `successSteps.purchase` it counts no sold-out answer: a fault window's
   * `longestAcknowledgedGapMs` (how long a failover kept buyers from buying).
   */
  acknowledgedSteps: number[];
}

export function noCounts(): RouteCounts {
  return { attempts: 0, successes: 0, failures: {}, unknown: 0 };
}

const newTick = (t: number): AvailabilityTick => ({ t, view: noCounts(), purchase: noCounts() });

/** Adds `part` into `into` (reasons by sum). */
export function addCounts(into: RouteCounts, part: RouteCounts): void {
  into.attempts += part.attempts;
  into.successes += part.successes;
  into.unknown += part.unknown;
  for (const [reason, n] of Object.entries(part.failures) as [ErrorReason, number][]) into.failures[reason] = (into.failures[reason] ?? 0) + n;
}

/**
 * One worker's counts. It runs once per answer at tens of thousands a second, so it does a map
 * lookup (skipped while answers stay in the same tick) and a set insertion per success, nothing
 * more: about 40 ns an answer (skipping the insertion for a repeated step measured slower).
 */
export class AvailabilityRecorder {
  private ticks = new Map<number, AvailabilityTick>();
  private current: AvailabilityTick | undefined;
  private steps: Record<Route, Set<number>> = { view: new Set(), purchase: new Set() };
  private acknowledged = new Set<number>();

  constructor(private readonly startAt: number) {}

  record(route: Route, intendedAt: number, finishedAt: number, verdict: Verdict): void {
    const counts = this.tick(intendedAt)[route];
    counts.attempts += 1;
    if (verdict.error === null) {
      counts.successes += 1;
      const done = Math.floor((finishedAt - this.startAt) / STEP_MS);
      this.steps[route].add(done);
      if (verdict.cls === 'purchase_ok') this.acknowledged.add(done);
      return;
    }
    // Every failure has a reason (classify.ts); `http_4xx` stands in should one ever lack it.
    const reason = verdict.reason ?? 'http_4xx';
    counts.failures[reason] = (counts.failures[reason] ?? 0) + 1;
    if (verdict.outcome === 'unknown') counts.unknown += 1;
  }

  /** Everything since the last call; the parent adds parts together (AvailabilityMerge). */
  take(): AvailabilityPart {
    const part: AvailabilityPart = { ticks: [...this.ticks.values()], successSteps: { view: [...this.steps.view], purchase: [...this.steps.purchase] }, acknowledgedSteps: [...this.acknowledged] };
    this.ticks = new Map();
    this.acknowledged = new Set();
    this.current = undefined;
    this.steps = { view: new Set(), purchase: new Set() };
    return part;
  }

  private tick(intendedAt: number): AvailabilityTick {
    const t = Math.max(0, Math.floor((intendedAt - this.startAt) / TICK_MS));
    if (this.current?.t === t) return this.current;
    let tick = this.ticks.get(t);
    if (tick === undefined) {
      tick = newTick(t);
      this.ticks.set(t, tick);
    }
    this.current = tick;
    return tick;
  }
}

/** The parent's merge of every worker's parts: a tick may come in several parts, each added. */
export class AvailabilityMerge {
  private readonly ticks = new Map<number, AvailabilityTick>();
  private readonly steps: Record<Route, Set<number>> = { view: new Set(), purchase: new Set() };
  private readonly acknowledged = new Set<number>();

  add(part: AvailabilityPart | null): void {
    if (part === null) return;
    for (const tick of part.ticks) {
      let into = this.ticks.get(tick.t);
      if (into === undefined) {
        into = newTick(tick.t);
        this.ticks.set(tick.t, into);
      }
      addCounts(into.view, tick.view);
      addCounts(into.purchase, tick.purchase);
    }
    for (const route of ROUTES) for (const step of part.successSteps[route]) this.steps[route].add(step);
    for (const step of part.acknowledgedSteps) this.acknowledged.add(step);
  }

  result(endMs: number): AvailabilityTicks {
    const sorted = (steps: Set<number>) => [...steps].sort((a, b) => a - b);
    return {
      tickMs: TICK_MS,
      stepMs: STEP_MS,
      endMs,
      ticks: [...this.ticks.values()].sort((a, b) => a.t - b.t),
      successSteps: { view: sorted(this.steps.view), purchase: sorted(this.steps.purchase) },
      acknowledgedSteps: sorted(this.acknowledged),
    };
  }
}

/** No requests at all (a load that did not run, a report's fixture). */
export function noAvailability(endMs = 0): AvailabilityTicks {
  return new AvailabilityMerge().result(endMs);
}
