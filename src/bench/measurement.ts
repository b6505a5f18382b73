/**
 * What the bench measures, in its own words: request classes, error kinds, latency summaries,
 * per-second samples, purchase counts, resource samples and the generator's self-check. The
 * report (report/model.ts) is built from these; docs/report.md documents each field.
 * Times are milliseconds unless a name says otherwise; rates are per second.
 */

/** Request classes of DESIGN.md section 7, plus `healthz` for the `--calibrate` ceiling run. */
export const REQUEST_CLASSES = ['view_hit', 'view_miss', 'purchase_ok', 'purchase_sold_out', 'error'] as const;
export type RequestClass = (typeof REQUEST_CLASSES)[number] | 'healthz';

export const ERROR_KINDS = ['connect', 'timeout', 'reset', 'http_5xx', 'http_4xx', 'aborted'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Errors by who answered or gave up (issue #12): nginx's own answers by the code it labels them
 * with (X-Error), the app's 5xx by its code, the client's failures with no answer, and 4xx
 * answers apart. `other`: nginx's remaining codes (upstream_failed, lb_internal, lb_unavailable);
 * for the app, any 5xx without a code nginx uses (internal, or no X-Error at all).
 */
export const ERROR_ORIGINS = {
  nginx: ['upstream_connect_failed', 'upstream_timeout', 'no_live_upstream', 'other'],
  app: ['busy', 'overloaded', 'unavailable', 'other'],
  client: ['connect', 'timeout', 'reset', 'aborted'],
} as const;
export type ErrorOrigin = keyof typeof ERROR_ORIGINS;
type ReasonOf<O extends ErrorOrigin> = (typeof ERROR_ORIGINS)[O][number];
/** One error's origin and reason, as the workers count it: `app.overloaded`, `client.timeout`, `http_4xx`. */
export type ErrorReason = { [O in ErrorOrigin]: `${O}.${ReasonOf<O>}` }[ErrorOrigin] | 'http_4xx';

export type ErrorsByOrigin = { [O in ErrorOrigin]: Record<ReasonOf<O>, number> } & { http_4xx: number };

/** The split of counted reasons, every origin and reason present (0 when not counted). */
export function errorsByOrigin(counted: Partial<Record<ErrorReason, number>> = {}): ErrorsByOrigin {
  const split = (origin: ErrorOrigin) => Object.fromEntries(ERROR_ORIGINS[origin].map((reason) => [reason, counted[`${origin}.${reason}` as ErrorReason] ?? 0]));
  return { nginx: split('nginx'), app: split('app'), client: split('client'), http_4xx: counted.http_4xx ?? 0 } as ErrorsByOrigin;
}

/** The split in one line, counted reasons only: `nginx no_live_upstream 3, app overloaded 12, client timeout 1, 4xx 2`. */
export function describeErrorsByOrigin(split: ErrorsByOrigin): string {
  const parts = (Object.keys(ERROR_ORIGINS) as ErrorOrigin[]).flatMap((origin) =>
    Object.entries(split[origin] as Record<string, number>).filter(([, n]) => n > 0).map(([reason, n]) => `${origin} ${reason} ${n}`),
  );
  if (split.http_4xx > 0) parts.push(`4xx ${split.http_4xx}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** A count for every error kind, in ERROR_KINDS order; a kind not counted is 0. */
export function errorCounts(counted: Partial<Record<ErrorKind, number>> = {}): Record<ErrorKind, number> {
  return Object.fromEntries(ERROR_KINDS.map((kind) => [kind, counted[kind] ?? 0])) as Record<ErrorKind, number>;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One second of the run, counted by when each request was (meant to be) sent. */
export interface SecondSample {
  /** Seconds since the run started (warm-up included). */
  t: number;
  warmup: boolean;
  /** Answers completed for requests sent in this second, per second. */
  rps: number;
  classes: Partial<Record<RequestClass, { count: number; p50: number; p99: number }>>;
  errors: number;
  /** Connections open at the end of the second, all workers together. */
  connections: number;
  /** Open model: sends that found no free connection. */
  dropped: number;
}

export interface PurchaseTally {
  attempted: number;
  acknowledged: number;
  failed: number;
  unknown: number;
  unitsSold: number;
}

export function noPurchases(): PurchaseTally {
  return { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 };
}

export interface ResourceSample {
  t: number;
  cpuPct: number;
  rssBytes: number;
}

export interface ResourceUsage {
  /** pid of the node's process (its process group is summed: nginx workers, mariadbd threads). */
  pid: number | null;
  /** 100 % is one core fully busy. */
  cpuMeanPct: number;
  cpuMaxPct: number;
  rssMaxBytes: number;
  series: ResourceSample[];
}

export interface GeneratorCheck {
  trustworthy: boolean;
  /** Why the measurement cannot be trusted; empty when it can. */
  reasons: string[];
  /** The generator shares this machine's cores with every node it measures (DESIGN.md §7). */
  sharedHost: boolean;
  fileLimit: number;
  connectionsAsked: number;
  connectionsPeak: number;
  connectErrors: number;
  rateAsked: number | null;
  rateAchieved: number;
  dropped: number;
  /** Open model: how late sends left their schedule, p99 in ms. */
  sendLagP99: number | null;
  /** Per worker thread: the share of the measured window its event loop was busy (0..1). */
  eventLoopUtilization: number[];
  /** Per worker thread: how late its event loop ran ready callbacks, p99 in ms (added to every latency it measured). */
  eventLoopDelayP99: number[];
  cpuMeanPct: number;
}

export interface ServerFigures {
  /** Views answered from a cache over all views, from the apps' /metrics over the measured window. */
  cacheHitRate: number | null;
  /** The same seen by the client (`X-Cache`), over the measured window. */
  clientCacheHitRate: number | null;
  lockWaits: { count: number; meanMs: number | null };
  lockTimeouts: number;
  poolWaitTimeouts: number;
  /** `Max_used_connections` of each database node since the run began. */
  dbMaxConnections: Record<string, number | null>;
  /** What could not be fetched, so a null is explained. */
  problems: string[];
}

export interface Ceiling {
  /** `GET /healthz` through the same LB with the same connections: what the machine carries at all. */
  rps: number;
  connections: number;
  durationS: number;
  latency: LatencySummary;
  errors: Partial<Record<ErrorKind, number>>;
}

export interface HostInfo {
  hostname: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  versions: Record<string, string | null>;
}

/** The share of views the client saw answered from the cache (`X-Cache: HIT`) among `classes`' views; null without views. */
export function clientHitRate(classes: Partial<Record<RequestClass, LatencySummary>>): number | null {
  const hits = classes.view_hit?.count ?? 0;
  const views = hits + (classes.view_miss?.count ?? 0);
  return views === 0 ? null : hits / views;
}
