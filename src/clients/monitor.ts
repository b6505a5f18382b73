import type { FailoverState, Promotion } from '../failover/state.js';

const TIMEOUT_MS = 2000;
/** A switchover waits for the candidate to catch up and the apps to follow: far longer than a probe. */
const SWITCHOVER_TIMEOUT_MS = 60_000;

/** What the failover monitor says of itself (`GET /state`). */
export interface MonitorState {
  /** It checks the primary (false while it is stopping). */
  watching: boolean;
  record: FailoverState;
  failedChecks: number;
  /** ISO time before which no automatic failover happens (anti-flapping), or null. */
  cooldownUntil: string | null;
  /** The last check, in words. */
  lastCheck: string;
}

export async function monitorState(origin: string): Promise<MonitorState> {
  const response = await fetch(`${origin}/state`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`monitor answered ${response.status}`);
  return (await response.json()) as MonitorState;
}

export type SwitchoverAnswer = { ok: true; promotion: Promotion } | { ok: false; status: number; error: string; message: string; details: string[] };

/** Asks the monitor for a planned switchover (to `to`, or its choice of replica). */
export async function requestSwitchover(origin: string, to: string | undefined): Promise<SwitchoverAnswer> {
  const response = await fetch(`${origin}/switchover`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(to === undefined ? {} : { to }),
    signal: AbortSignal.timeout(SWITCHOVER_TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return { ok: true, promotion: body.promotion as Promotion };
  return { ok: false, status: response.status, error: String(body.error ?? 'failed'), message: String(body.message ?? ''), details: Array.isArray(body.details) ? body.details.map(String) : [] };
}
