import { DeadlineExceeded } from '../async/deadline.js';
import { isReadOnly } from '../clients/mysql.js';
import type { RunningTopology } from '../running/running-topology.js';
import type { NodeOfKind } from '../topology/model.js';
import { onDatabase } from './admin.js';
import type { FailoverLog } from './failover-log.js';
import { parseGtidPosition } from './gtid.js';
import type { MonitorConfig } from './monitor-config.js';
import { databaseNode, failoverRecord, promote, PromotionRefused, replicasNow } from './promote.js';
import { rejoin, rejoinWhereNeeded } from './rejoin.js';
import { SecondOpinion, type ReplicaView } from './second-opinion.js';
import type { Promotion } from './state.js';

/** What the monitor says of itself (`GET /state`). */
export interface MonitorView {
  watching: boolean;
  failedChecks: number;
  cooldownUntil: string | null;
  lastCheck: string;
}

/**
 * The failover monitor's loop, modelled on MaxScale's mariadbmon (docs/failover.md): every
 * `intervalMs` it checks the primary; after `failcount` failed checks in a row, and only if a
 * replica that was healthy before has lost the primary too (the second opinion), it promotes
 * that replica (`promote.ts`: fencing, relay log applied, record, writes). After a failover it
 * waits `cooldownS` before another (anti-flapping). Between failures it puts back what strays:
 * a demoted or restarted node is rejoined as a replica (`rejoin.ts`), a writable non-primary is
 * fenced. Every step is serialized with planned switchovers (`switchover`).
 */
export class FailoverMonitor {
  private failedChecks = 0;
  private firstFailureAt = 0;
  private cooldownUntil = 0;
  private lastCheck = 'not checked yet';
  /** Replicas replicating well at the last good check: the only candidates. */
  private readonly healthy = new Set<string>();
  private readonly opinions = new SecondOpinion();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Refusals are logged when their reason changes, not every check. */
  private lastRefusal = '';

  constructor(
    private readonly running: RunningTopology,
    private readonly config: Pick<MonitorConfig, 'intervalMs' | 'failcount' | 'cooldownS'>,
    private readonly log: FailoverLog,
  ) {}

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.serialized(() => this.tick()).catch((error: unknown) => {
        this.lastCheck = `check crashed: ${error instanceof Error ? error.message : String(error)}`;
      });
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.config.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.chain.catch(() => undefined);
  }

  view(): MonitorView {
    return {
      watching: !this.stopped,
      failedChecks: this.failedChecks,
      cooldownUntil: this.cooldownUntil > performance.now() ? new Date(Date.now() + this.cooldownUntil - performance.now()).toISOString() : null,
      lastCheck: this.lastCheck,
    };
  }

  /** A planned switchover, in turn with the checks. */
  switchover(to: NodeOfKind<'mysql'> | undefined): Promise<Promotion> {
    return this.serialized(async () => {
      const record = failoverRecord(this.running);
      const candidate = to ?? replicasNow(this.running, record)[0];
      if (candidate === undefined) throw new PromotionRefused('the topology has no replica to switch over to');
      const promotion = await promote(this.running, { kind: 'switchover', to: candidate, reason: 'asked for (shopctl failover)', startedAt: performance.now() }, this.log);
      this.log.event('info', 'switchover', { from: promotion.from, to: promotion.to, epoch: promotion.epoch, ms: promotion.ms });
      await rejoin(this.running, databaseNode(this.running, promotion.from), this.log);
      return promotion;
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async tick(): Promise<void> {
    const record = failoverRecord(this.running);
    const primary = databaseNode(this.running, record.primary);
    const replicas = replicasNow(this.running, record);
    const views = await this.viewReplicas(replicas);
    const failure = await this.checkPrimary(primary);
    if (failure === undefined) {
      if (this.failedChecks > 0) this.log.event('info', 'check_recovered', { primary: primary.name, failedChecks: this.failedChecks });
      this.failedChecks = 0;
      this.lastRefusal = '';
      this.healthy.clear();
      for (const [name, view] of views) if (view?.replicating === true && view.hearsPrimary) this.healthy.add(name);
      this.lastCheck = `primary ${primary.name} answers; ${this.healthy.size} replica(s) healthy`;
      await this.rejoinStrays(replicas, views);
      return;
    }
    if (this.failedChecks === 0) this.firstFailureAt = performance.now();
    this.failedChecks += 1;
    this.lastCheck = `primary ${primary.name}: ${failure} (${this.failedChecks}/${this.config.failcount})`;
    this.log.event('warn', 'check_failed', { primary: primary.name, failedChecks: this.failedChecks, failcount: this.config.failcount, reason: failure });
    if (this.failedChecks < this.config.failcount) return;
    const candidate = this.candidate(replicas, views);
    if (typeof candidate === 'string') {
      this.refuse(candidate);
      return;
    }
    this.log.event('info', 'second_opinion', { replica: candidate.name, detail: views.get(candidate.name)?.detail });
    try {
      await promote(this.running, { kind: 'failover', to: candidate, reason: `${this.failedChecks} failed checks: ${failure}`, startedAt: this.firstFailureAt }, this.log);
      this.cooldownUntil = performance.now() + this.config.cooldownS * 1000;
      this.failedChecks = 0;
      this.healthy.clear();
    } catch (error) {
      this.refuse(`the promotion of ${candidate.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** undefined when the primary answers (made writable again if it came back read-only). */
  private async checkPrimary(primary: NodeOfKind<'mysql'>): Promise<string | undefined> {
    try {
      const readOnly = await onDatabase(this.running, primary, isReadOnly, Math.max(this.config.intervalMs, 1000));
      if (readOnly) {
        await onDatabase(this.running, primary, (c) => c.query('SET GLOBAL read_only = 0'));
        this.log.event('info', 'writes_enabled', { node: primary.name }, `${primary.name} is the primary but was read-only`);
      }
      return undefined;
    } catch (error) {
      return error instanceof DeadlineExceeded ? `no answer within ${error.ms} ms` : (error as Error).message;
    }
  }

  private async viewReplicas(replicas: readonly NodeOfKind<'mysql'>[]): Promise<Map<string, ReplicaView | undefined>> {
    const views = await Promise.all(replicas.map((r) => onDatabase(this.running, r, (c) => this.opinions.view(r.name, c), 2000).catch(() => undefined)));
    return new Map(replicas.map((r, i) => [r.name, views[i]]));
  }

  /** The replica to promote, or why there is none. */
  private candidate(replicas: readonly NodeOfKind<'mysql'>[], views: Map<string, ReplicaView | undefined>): NodeOfKind<'mysql'> | string {
    if (performance.now() < this.cooldownUntil) return `a failover happened less than ${this.config.cooldownS} s ago (anti-flapping)`;
    // One healthy replica still hearing the primary vetoes: it may hold acknowledged commits the
    // others lack (semisync waits for one acknowledgement), and only the monitor's side is cut off.
    const hearing = replicas.find((r) => this.healthy.has(r.name) && views.get(r.name)?.hearsPrimary === true);
    if (hearing !== undefined) return `${hearing.name} still hears the primary (${views.get(hearing.name)?.detail ?? ''}): only the monitor lost it`;
    const reasons: string[] = [];
    const ranked = replicas
      .filter((r) => {
        const view = views.get(r.name);
        if (view === undefined) reasons.push(`${r.name} does not answer`);
        else if (!this.healthy.has(r.name)) reasons.push(`${r.name} was not a healthy replica before the primary failed`);
        else if (view.hearsPrimary) reasons.push(`${r.name} still hears the primary (${view.detail}): only the monitor lost it`);
        else return true;
        return false;
      })
      .sort((a, b) => receivedSeq(views.get(b.name)) - receivedSeq(views.get(a.name)));
    return ranked[0] ?? `no replica may be promoted: ${reasons.join('; ')}`;
  }

  private refuse(reason: string): void {
    this.lastCheck = `${this.lastCheck}; no failover: ${reason}`;
    if (reason === this.lastRefusal) return;
    this.lastRefusal = reason;
    this.log.event('warn', 'failover_refused', { reason });
  }

  /** Demoted, restarted or broken replicas are made to follow the primary again. */
  private async rejoinStrays(replicas: readonly NodeOfKind<'mysql'>[], views: Map<string, ReplicaView | undefined>): Promise<void> {
    const answering = replicas.filter((r) => views.get(r.name) !== undefined);
    await rejoinWhereNeeded(this.running, answering, this.log).catch((error: unknown) => {
      this.log.event('error', 'rejoin_failed', { reason: error instanceof Error ? error.message : String(error) });
    });
  }
}

/** How far a replica's IO thread got: the sum of its received sequence numbers over the domains (this project writes in one). */
function receivedSeq(view: ReplicaView | undefined): number {
  try {
    return [...parseGtidPosition(view?.received ?? '').values()].reduce((sum, g) => sum + g.seq, 0);
  } catch {
    return 0;
  }
}
