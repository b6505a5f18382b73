import { describeFault } from '../faults/active-faults.js';
import type { TopologyStatus } from '../provision/status.js';
import { parseServiceLogLine, type ServiceLogLine } from '../service/log-line.js';

/** The `status` table for people: pure, returns the text. */
export function formatStatusTable(status: TopologyStatus): string {
  const header = ['NODE', 'KIND', 'ROLE', 'SERVER', 'ADDRESS', 'PID', 'PROCS', 'CONN', 'HEALTH', 'DETAIL'];
  const rows = status.nodes.map((n) => [
    n.name,
    n.kind,
    n.role,
    n.server,
    n.address,
    n.pid === null ? '-' : String(n.pid),
    n.processes.length === 0 ? '-' : String(n.processes.length),
    n.connections === null ? '-' : String(n.connections),
    n.healthy ? 'ok' : 'DOWN',
    n.detail,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  const sick = status.nodes.filter((n) => !n.healthy).map((n) => n.name);
  const verdict = status.healthy ? `topology ${status.topology}: all ${status.nodes.length} nodes healthy` : sick.length > 0 ? `topology ${status.topology}: ${sick.join(', ')} not healthy` : `topology ${status.topology}: faults in force`;
  const faults = status.faults.length === 0 ? [] : ['', `faults in force (shopctl fault heal undoes them): ${status.faults.map(describeFault).join('; ')}`];
  const failover = status.failover === null ? [] : ['', rolesLine(status.failover)];
  return [line(header), ...rows.map(line), ...faults, ...failover, '', verdict].join('\n');
}

/** Fields every line of a node's log has: shown once in the heading, or not at all. */
const COMMON_FIELDS = new Set(['time', 'level', 'event', 'node', 'pid', 'hostname']);

/** A line of an app's log for people: the service's JSON events in human form, any other line as it is. */
export function formatLogLine(line: string): string {
  const event = parseServiceLogLine(line);
  return event === undefined ? line : formatLogEvent(event);
}

/** Fields holding a time (epoch ms), shown as one. */
const TIME_FIELDS = new Set(['since']);

/**
 * One event as `<ISO time> [LEVEL] <event> key=value…`: the level only when it is not info,
 * the fields in the order the line has them.
 */
export function formatLogEvent(event: ServiceLogLine): string {
  const level = event.level === 'info' ? '' : ` ${event.level.toUpperCase()}`;
  const fields = Object.entries(event)
    .filter(([key, value]) => !COMMON_FIELDS.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => ` ${key}=${TIME_FIELDS.has(key) && typeof value === 'number' ? new Date(value).toISOString() : formatValue(value)}`);
  return `${new Date(event.time).toISOString()}${level} ${event.event}${fields.join('')}`;
}

/** A word as it is; other text quoted; an error (pino's serialized `err`) by its message. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:@/+-]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') return JSON.stringify((value as { message: string }).message);
  return JSON.stringify(value);
}

function rolesLine(failover: NonNullable<TopologyStatus['failover']>): string {
  const last = failover.lastPromotion;
  const promoted = last === null ? '' : `; last ${last.kind} ${last.from} → ${last.to} at ${last.at} (${last.ms} ms, old primary ${last.fencing})`;
  return `primary ${failover.mysqlPrimary} (failover epoch ${failover.epoch}), redis master ${failover.redisMaster}${promoted}`;
}
