import { readFileSync } from 'node:fs';
import { APP_LISTEN_BACKLOG } from '../service/config.js';
import type { Topology } from '../topology/model.js';
import { REDIS_TCP_BACKLOG } from './nodes/redis.js';

/** Reads an integer sysctl, e.g. `net.core.somaxconn`; null where it cannot be read (not Linux). */
export type SysctlReader = (name: string) => number | null;

export const readSysctl: SysctlReader = (name) => {
  try {
    const value = Number(readFileSync(`/proc/sys/${name.replaceAll('.', '/')}`, 'utf8').trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
};

/**
 * The listen backlog each node asks for: nginx's `listen … backlog=`, the app's
 * `server.listen({backlog})`, redis's `tcp-backlog`. MariaDB keeps its own `back_log` (about
 * 80 + max_connections / 5), far below any kernel cap.
 */
export function askedBacklogs(topology: Topology): { node: string; backlog: number }[] {
  return topology.nodes.flatMap((node) => {
    switch (node.kind) {
      case 'nginx':
        return [{ node: node.name, backlog: node.listenBacklog }];
      case 'app':
        return [{ node: node.name, backlog: APP_LISTEN_BACKLOG }];
      case 'redis':
        return [{ node: node.name, backlog: REDIS_TCP_BACKLOG }];
      default:
        return [];
    }
  });
}

/**
 * What the kernel does to those backlogs (issue #12): it silently clamps each accept queue to
 * `net.core.somaxconn`, and without SYN cookies the half-open queue to
 * `net.ipv4.tcp_max_syn_backlog`. A clamped queue overflows sooner (ListenOverflows in
 * /proc/net/netstat) and clients' SYNs are retried after 1, 3, 7 s: `up` warns, naming the
 * sysctl to raise; it never changes sysctls itself.
 */
export function backlogWarnings(topology: Topology, sysctl: SysctlReader = readSysctl): string[] {
  const somaxconn = sysctl('net.core.somaxconn');
  const synBacklog = sysctl('net.ipv4.tcp_syncookies') === 0 ? sysctl('net.ipv4.tcp_max_syn_backlog') : null;
  const warnings: string[] = [];
  for (const { node, backlog } of askedBacklogs(topology)) {
    if (somaxconn !== null && backlog > somaxconn) {
      warnings.push(`${node}: listen backlog ${backlog} is clamped to net.core.somaxconn = ${somaxconn}; raise it (sysctl -w net.core.somaxconn=${backlog}) or its accept queue overflows under load`);
    }
    if (synBacklog !== null && backlog > synBacklog) {
      warnings.push(`${node}: SYN cookies are off and net.ipv4.tcp_max_syn_backlog = ${synBacklog} is below its backlog ${backlog}; raise it (sysctl -w net.ipv4.tcp_max_syn_backlog=${backlog}) or turn net.ipv4.tcp_syncookies on`);
    }
  }
  return warnings;
}
