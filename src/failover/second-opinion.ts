import type { Connection } from 'mysql2/promise';
import { globalStatus, replicaStatus } from '../clients/mysql.js';

/** A replica hearing nothing from its primary (no event, no heartbeat) for this long has lost it. */
export const SILENCE_MS = 3000;

export interface ReplicaView {
  /** It answers, replicates from someone, and its SQL thread runs. */
  replicating: boolean;
  /** Its IO thread is connected and has heard from the primary within SILENCE_MS. */
  hearsPrimary: boolean;
  detail: string;
  /** The last GTID its IO thread received: the most advanced replica is the best candidate. */
  received: string;
}

/**
 * The second opinion (mariadbmon's `verify_master_failure`): the monitor alone failing to reach
 * the primary may be the monitor's own network; the replica must have lost it too — its IO
 * thread not connected, or connected but silent (a stopped primary keeps its sockets open, and
 * heartbeats come every second: `MASTER_HEARTBEAT_PERIOD = 1`). The progress seen last time is
 * kept per replica, to measure the silence.
 */
export class SecondOpinion {
  private readonly progress = new Map<string, { marker: string; since: number }>();

  async view(name: string, c: Connection, now = performance.now()): Promise<ReplicaView> {
    const status = await replicaStatus(c);
    if (status === undefined) return { replicating: false, hearsPrimary: false, detail: 'replication not configured', received: '' };
    const heartbeats = await globalStatus(c, 'Slave_received_heartbeats');
    const marker = `${heartbeats}|${status.gtidIoPos}`;
    const last = this.progress.get(name);
    const since = last === undefined || last.marker !== marker ? now : last.since;
    this.progress.set(name, { marker, since });
    const silentMs = Math.round(now - since);
    const replicating = status.sqlRunning === 'Yes';
    if (status.ioRunning !== 'Yes') return { replicating, hearsPrimary: false, detail: `IO thread ${status.ioRunning}${status.lastError ? `: ${status.lastError}` : ''}`, received: status.gtidIoPos };
    // First sight: nothing to compare with yet, so it is taken as hearing the primary.
    const hears = last === undefined || silentMs < SILENCE_MS;
    return { replicating, hearsPrimary: hears, detail: hears ? 'IO thread connected and hearing the primary' : `IO thread connected but nothing heard for ${silentMs} ms`, received: status.gtidIoPos };
  }
}
