import { spawnSync } from 'node:child_process';
import { EnvironmentError } from '../errors.js';
import { topologyCgroupName, type CgroupPlace } from '../provision/runtime/cgroups.js';

/** One direction of a partition: packets `from`'s processes send to `to`'s are dropped. */
export interface Cut {
  from: string;
  to: string;
}

/**
 * The nftables table of one topology's partitions: `inet shopctl_<hash>`, nothing else of the
 * machine's rules touched. Two chains:
 * - `senders` (output hook) marks each packet with the node that sent it, by its socket's cgroup;
 * - `cuts` (input hook: loopback packets come back in through it) drops a packet when the
 *   receiving socket's cgroup is a node cut off from the marked sender.
 * Dropping, never rejecting: a connect across the cut waits for its SYN's answer and times out,
 * an open connection's segments vanish and are retransmitted, as with a cut cable. Because the
 * rules look at every packet (not only new connections), open connections are cut too.
 */
const MARK_BASE = 0x5c0000;

export function tableName(topologyRoot: string): string {
  return `shopctl_${topologyCgroupName(topologyRoot).replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** The whole table for `cuts`, replacing whatever the table held (one atomic `nft -f`). */
export function renderTable(table: string, cuts: readonly Cut[], cgroupOf: (node: string) => CgroupPlace): string {
  const nodes = [...new Set(cuts.flatMap((c) => [c.from, c.to]))].sort();
  const mark = new Map(nodes.map((node, i) => [node, MARK_BASE + i + 1]));
  const selector = (node: string) => {
    const place = cgroupOf(node);
    return `socket cgroupv2 level ${place.level} "${place.nftPath}"`;
  };
  const hex = (n: number) => `0x${n.toString(16)}`;
  const senders = [...new Set(cuts.map((c) => c.from))].sort().map((node) => `    ${selector(node)} meta mark set ${hex(mark.get(node) ?? 0)}`);
  const drops = cuts.map((c) => `    ${selector(c.to)} meta mark ${hex(mark.get(c.from) ?? 0)} counter drop comment "${c.from} -> ${c.to}"`);
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain senders {',
    '    type filter hook output priority -150; policy accept;',
    ...senders,
    '  }',
    '  chain cuts {',
    '    type filter hook input priority -150; policy accept;',
    ...drops,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Loads a rendered table (`removeTable` deletes it when there is nothing to cut). */
export function applyTable(script: string): void {
  const result = spawnSync('nft', ['-f', '-'], { input: script, encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new EnvironmentError(`partitions need nftables: ${result.error.message}`, ['install it: apt-get install -y nftables (or run scripts/setup.sh)']);
  }
  if (result.status !== 0) {
    throw new EnvironmentError(`nft refused the partition rules: ${result.stderr.trim().split('\n')[0] ?? ''}`, ['partitions need root and a kernel with nf_tables']);
  }
}

export function nftInstalled(): boolean {
  return spawnSync('nft', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Whether the topology's table exists (`down` and `fault list` show what is left). */
export function tableExists(table: string): boolean {
  const result = spawnSync('nft', ['list', 'table', 'inet', table], { encoding: 'utf8' });
  return result.status === 0;
}

/** Deletes the table if it exists; without nft (or root) there can be no table to delete. */
export function removeTable(table: string): void {
  if (!tableExists(table)) return;
  const result = spawnSync('nft', ['delete', 'table', 'inet', table], { encoding: 'utf8' });
  if (result.status !== 0) throw new EnvironmentError(`could not delete the partition rules (nft table inet ${table}): ${result.stderr.trim()}`, [`delete them by hand: nft delete table inet ${table}`]);
}
