/**
 * The bench report (`reports/<run-id>/report.json`), documented field by field in
 * docs/report.md. Times are milliseconds unless a name says otherwise; rates are per second.
 * `verify` reads it back, so a field's meaning never changes without a new `schema`.
 * The measured pieces are the bench's own types (bench/measurement.ts); this file is the document.
 */
import type {
  Ceiling,
  ErrorKind,
  ErrorsByOrigin,
  GeneratorCheck,
  HostInfo,
  LatencySummary,
  PurchaseTally,
  RequestClass,
  ResourceUsage,
  SecondSample,
  ServerFigures,
} from '../bench/measurement.js';
import type { CapacityRecord } from '../bench/capacity/find-capacity.js';
import type { AppLogEvent } from '../bench/app-log-events.js';
import type { LatencyBreakdown } from '../bench/latency-phases.js';
import type { Route } from '../bench/availability-ticks.js';
import type { TimelineEntry } from '../faults/timeline.js';
import type { FaultWindow, RouteAvailability } from './fault-windows.js';

export const REPORT_SCHEMA = 'shopctl.bench-report/1';

/**
 * The load as report.json writes it: the scenario's model flattened, `rate` null for the closed
 * model, times in seconds (the bench keeps milliseconds; report/build-report.ts converts).
 */
export interface LoadRecord {
  model: 'closed' | 'open';
  /** Closed: the connections kept busy. Open: the most requests in flight at once. */
  connections: number;
  /** Open: requests per second asked; null for the closed model. */
  rate: number | null;
  durationS: number;
  warmupS: number;
  timeoutS: number;
  workers: number;
}

export interface LedgerSummary extends PurchaseTally {
  file: string;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Ctrl-C or SIGTERM ended the run early; everything sent until then is in the report. */
  interrupted: boolean;
  scenario: ScenarioRecord | null;
  topology: TopologyRecord;
  host: HostInfo;
  seed: number;
  load: LoadRecord | null;
  throughput: { rps: number; requests: number; measuredS: number };
  classes: Partial<Record<RequestClass, LatencySummary>>;
  /** Exact HDR histograms (microseconds, compressed base64) per class, to recompute any percentile. */
  histograms: Partial<Record<RequestClass, string>>;
  /**
   * Where each class's time goes: its measured answers' latency split by phase (the app's and
   * nginx's Server-Timing), p50/p99/mean per phase and the dominant one. Absent in reports
   * written before issue #12; empty when no answer carried Server-Timing.
   */
  phases?: LatencyBreakdown;
  errors: Record<ErrorKind, number>;
  /**
   * The same errors split by origin: nginx (by the reason it labels its answer with), app (by
   * its code), client (no answer), and 4xx. Absent in reports written before issue #12.
   */
  errorsByOrigin?: ErrorsByOrigin;
  series: SecondSample[];
  /**
   * Per route over the measured window: attempts, definite answers, availability, failures by
   * reason, unknown purchases (issue #13). Absent in reports written before it, and when no
   * scenario load ran.
   */
  availability?: Record<Route, RouteAvailability>;
  purchases: PurchaseTally;
  server: ServerFigures | null;
  resources: { intervalS: number; nodes: Record<string, ResourceUsage>; generator: ResourceUsage };
  generator: GeneratorCheck;
  ceiling: Ceiling | null;
  ledger: LedgerSummary | null;
  /**
   * `bench --find-capacity`: the highest offered rate at which every threshold held, the steps
   * (the latency–throughput curve) and Little's law's reading of the scenario. The report's
   * `load`, `classes` and the rest are the capacity's step (else the lowest rate tried); its
   * `purchases` and ledger are every step's. Absent for an ordinary run.
   */
  capacity?: CapacityRecord;
  /** The faults injected during the load and what the load saw (issue #13). Absent when the run had none, and in reports written before it. */
  faults?: FaultsRecord;
  /**
   * `report merge`: each load agent's own figures beside the merged ones (issue #15), by index.
   * Absent in a report of one process.
   */
  agents?: AgentSummary[];
}

/** One load agent's share of a merged run, as its own report had it. */
export interface AgentSummary {
  index: number;
  /** The agent's folder, as the merge was given it. */
  dir: string;
  hostname: string;
  cores: number;
  startedAt: string;
  finishedAt: string;
  /** Its share: its connections, an Nth of the rate, its worker threads. */
  load: LoadRecord;
  throughput: { rps: number; requests: number; measuredS: number };
  classes: Partial<Record<RequestClass, LatencySummary>>;
  errors: number;
  purchases: PurchaseTally;
  trustworthy: boolean;
  reasons: string[];
}

/** report.json `faults`: times in ms since the load started (warm-up included), the series' clock. */
export interface FaultsRecord {
  /** What was done, where, when it started and healed (faults/timeline.ts). */
  timeline: TimelineEntry[];
  /** When sending ended: where the window of a fault still active at the end stops. */
  loadEndMs: number;
  /** Seconds from the bench's start (`startedAt`, the clock of `resources`) to the load's start. */
  loadStartS: number;
  /** Per fault, in the timeline's order: its window's requests per route and each route's recovery. */
  windows: FaultWindow[];
  /**
   * What the apps logged during the run (service/log.ts): dependencies lost and regained, pools
   * exhausted, refusals (aggregated, with `count`), workers, on the same clock; at most 500.
   * Absent in reports written before it.
   */
  appEvents?: AppLogEvent[];
  /** Events past the 500 shown. */
  appEventsLeftOut?: number;
}

/** The topology the run measured, and the load balancer it went through. */
export interface TopologyRecord {
  name: string;
  file: string;
  strategy: string;
  lb: string;
  nodes: { name: string; kind: string; role: string; port: number }[];
}

/** The scenario as it ran: the file's values after the command-line overrides. */
export interface ScenarioRecord {
  name: string;
  file: string;
  description: string;
  mix: { view: number; purchase: number };
  popularity: Record<string, unknown>;
  quantity: { min: number; max: number };
  strategy: string | null;
  thresholds: Record<string, string[]>;
  overrides: string[];
}

/** What the HTML report shows of `verify`'s verdict (verify/verdict.ts has the whole of it). */
export interface VerifySummary {
  verdict: string;
  exitCode: number;
  checks: { name: string; ok: boolean; detail: string }[];
}
