import type { TopologyStatus } from '../provision/status.js';

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
  const verdict = status.healthy ? `topology ${status.topology}: all ${status.nodes.length} nodes healthy` : `topology ${status.topology}: ${status.nodes.filter((n) => !n.healthy).map((n) => n.name).join(', ')} not healthy`;
  return [line(header), ...rows.map(line), '', verdict].join('\n');
}
