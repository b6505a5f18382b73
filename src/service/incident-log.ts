import type { StockDropped } from './cache/stock-lineage.js';
import type { DatabaseObserver, PoolExhaustion } from './database.js';
import { DependencyHealth } from './dependency-health.js';
import { ServiceError, type DependencyName } from './errors.js';
import { EventAggregator } from './event-aggregator.js';
import { clipReason, silentLog, type EventFields, type EventLevel, type ServiceEvent, type ServiceLog } from './log.js';

interface Repeated {
  level: EventLevel;
  event: ServiceEvent;
  fields: EventFields;
}

/**
 * What one process of the service logs while it serves, in one place: a dependency lost and
 * regained (`health`, once per change), a pool run dry, a request refused 503 and why, an
 * internal error, a failed accept. All but the first can come thousands a second under
 * overload, so each kind (a route and code, a pool and cause…) is aggregated: at most one line
 * a second, carrying how many it stands for (`count`) since when (`since`).
 */
export class IncidentLog implements DatabaseObserver {
  readonly health: DependencyHealth;
  private readonly repeats: EventAggregator<Repeated>;

  constructor(
    private readonly log: ServiceLog,
    windowMs = 1000,
    now: () => number = Date.now,
  ) {
    this.health = new DependencyHealth(log, now);
    this.repeats = new EventAggregator<Repeated>((r, { count, since }) => log.event(r.level, r.event, { ...r.fields, count, since }), windowMs, now);
  }

  failed(dependency: DependencyName, reason: string): void {
    this.health.failed(dependency, reason);
  }

  answered(dependency: DependencyName): void {
    this.health.answered(dependency);
  }

  /** The primary's pool moved to the writable database after a failover (database-pools.ts). */
  primaryMoved(from: { host: string; port: number }, to: { host: string; port: number }): void {
    this.log.event('warn', 'primary_followed', { from: `${from.host}:${from.port}`, to: `${to.host}:${to.port}` });
  }

  poolExhausted(pool: DependencyName, cause: PoolExhaustion): void {
    this.repeats.record(`pool_exhausted ${pool} ${cause}`, { level: 'warn', event: 'pool_exhausted', fields: { pool, cause } });
  }

  /**
   * A request of `route` answered with `error`: a 503 is logged as `refused` with its code, the
   * dependency when known and the first one's message; anything not a ServiceError is a bug (a
   * 500) and is logged with its stack. Other errors (400s, 409…) are the client's and say
   * nothing about the service.
   */
  requestFailed(route: string, error: unknown): void {
    if (!(error instanceof ServiceError)) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.repeats.record(`internal_error ${route}`, { level: 'error', event: 'internal_error', fields: { route, err } });
      return;
    }
    if (error.status !== 503) return;
    const dependency = error.dependency;
    this.repeats.record(`refused ${route} ${error.code} ${dependency ?? '-'}`, {
      level: 'warn',
      event: 'refused',
      fields: { route, code: error.code, dependency, reason: clipReason(error.message) },
    });
  }

  /** Accepting a connection failed (EMFILE…): logged, the worker goes on. */
  acceptFailed(error: Error & { code?: string }): void {
    const code = error.code ?? 'unknown';
    this.repeats.record(`accept_failed ${code}`, { level: 'error', event: 'accept_failed', fields: { code, reason: clipReason(error.message) } });
  }

  /**
   * The cached stock was dropped: the Redis master is not the one it was written to
   * (cache/stock-lineage.ts). Once per change of master and process.
   */
  cacheDropped(event: StockDropped): void {
    const { count, replid, marker, lastSeen, complete } = event;
    this.log.event('warn', 'cache_dropped', { count, replid, marker: marker ?? 'none', lastSeen: lastSeen ?? 'none', complete }, 'the Redis master changed: cached stock dropped');
  }

  /** Writes the counts not yet written; the process is stopping. */
  close(): void {
    this.repeats.flush();
  }
}

/** Logs nothing: the default where no log is wired in (in-process unit tests). */
export function silentIncidents(): IncidentLog {
  return new IncidentLog(silentLog);
}
