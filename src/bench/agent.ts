import { UsageError } from '../errors.js';
import type { LoadSettings } from './load-settings.js';

/**
 * `bench --agent I/N`: one of N load generators (on as many machines) that together run one
 * scenario. Each runs its share — the closed model's connections split, the open model's
 * schedule dealt out in lanes (engine.ts `workerPlans`) — from the same agreed start, and
 * writes its part; `report merge` adds the parts into one report.
 */
export interface AgentPlace {
  /** 0 ≤ index < count. */
  index: number;
  count: number;
  /** The agreed start of the load (warm-up included), epoch ms. */
  startAtMs: number;
}

/** The most agents one run may have (each is a Job's pod, or a process here). */
export const MAX_AGENTS = 64;

/** `I/N`, e.g. `0/3`; a bad one exits 64 naming the flag. */
export function parseAgentFlag(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) throw new UsageError(`--agent ${text}: expected I/N, this agent's index and the number of agents, e.g. 0/3`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_AGENTS) throw new UsageError(`--agent ${text}: the number of agents must be 1 to ${MAX_AGENTS}`);
  if (index >= count) throw new UsageError(`--agent ${text}: the index counts from 0, so it must be below ${count}`);
  return { index, count };
}

/** The furthest ahead an agreed start may be: beyond it a typo, not a plan (and timers overflow at ~24.8 days). */
export const MAX_START_AHEAD_MS = 24 * 3600_000;

/**
 * `--start-at`: an ISO 8601 time with its zone (`2026-11-26T10:30:00Z`, `…+01:00`), the same for
 * every agent. A time without a zone would mean a different instant on each machine's clock.
 */
export function parseStartAt(text: string, nowMs = Date.now()): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim())) {
    throw new UsageError(`--start-at ${text}: expected an ISO 8601 time with its zone, e.g. ${new Date(nowMs + 60_000).toISOString().slice(0, 19)}Z`);
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageError(`--start-at ${text}: not a time`);
  if (at <= nowMs) throw new UsageError(`--start-at ${text}: that time has passed (${((nowMs - at) / 1000).toFixed(1)} s ago); agree on a time ahead, long enough for every agent to start`);
  if (at - nowMs > MAX_START_AHEAD_MS) throw new UsageError(`--start-at ${text}: more than 24 hours ahead; agree on a time closer to the run`);
  return at;
}

/**
 * Refuses (64) an agent that is not ready `neededMs` before the agreed start: an agent that began
 * late would send a different load from the others (its open schedule's overdue sends at once).
 */
export function requireTimeBeforeStart(startAtMs: number, neededMs: number, nowMs = Date.now()): void {
  const ahead = startAtMs - nowMs;
  if (ahead >= neededMs) return;
  const when = ahead <= 0 ? `${(-ahead / 1000).toFixed(1)} s after it` : `only ${(ahead / 1000).toFixed(1)} s before it`;
  throw new UsageError(`--start-at ${new Date(startAtMs).toISOString()}: this agent was ready to send ${when}; nothing was sent`, [
    'agree on a time further ahead, long enough for every agent to start (process start, topology checks, image pulls)',
  ]);
}

/** `--run-id NAME`: lowercase letters, digits and dashes, so that the run id and every key stay short and readable. */
export const RUN_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,15}$/;

/**
 * The run id the agents share: the agreed start and a name, `20261126-103000-agents` (name
 * `agents` by default). The start is always in it: agents started again with the same name
 * must not send the first run's Idempotency-Keys, which the service would answer as replays
 * (201, nothing sold) and verify would count as sales.
 */
export function agentRunId(startAtMs: number, name = 'agents'): string {
  const stamp = new Date(startAtMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${name}`;
}

/** Every Idempotency-Key of agent I starts `<run-id>-a<I>-`: unique across agents, and still `<run-id>-` for verify. */
export function agentKeyPrefix(runId: string, index: number): string {
  return `${runId}-a${index}`;
}

/**
 * Open model: the whole run's schedule is dealt out in lanes, send n to lane n mod L. Worker w of
 * W in agent I of N has lane I + N·w of N·W: agent I's workers together take exactly the sends
 * n ≡ I (mod N), whatever W each agent runs, and all agents together the one schedule, none twice.
 */
export function laneOf(place: { index: number; count: number }, worker: number, workers: number): { index: number; of: number } {
  return { index: place.index + place.count * worker, of: place.count * workers };
}

/** Agent I's share of `total` connections: the remainder goes to the first agents. */
export function agentConnections(total: number, place: { index: number; count: number }): number {
  return Math.floor(total / place.count) + (place.index < total % place.count ? 1 : 0);
}

/** The load agent I offers on its own: its connections, and an Nth of the rate. Its own report and self-check judge it by this. */
export function agentShare(load: LoadSettings, place: { index: number; count: number }): LoadSettings {
  const connections = agentConnections(load.connections, place);
  return load.model === 'open' ? { ...load, connections, rate: load.rate / place.count } : { ...load, connections };
}
