import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopologyPaths } from '../provision/home.js';

/**
 * The old primary is being fenced and its successor is not recorded yet (`promote.ts`). A node
 * started in that window renders its role from a record that still names it the primary, and
 * came up writable: found by scripts/prove-failover.mjs, where a partition's heal started the
 * node the monitor had just killed, 0.5 s before the promotion was recorded, and the monitor
 * fenced it again 0.7 s later — two writable primaries meanwhile, and the apps try the server
 * they used first (under asynchronous replication what they wrote there would have been lost
 * at its rejoin). While this marker is in the node's folder its config is
 * rendered read-only (`mysql-config.ts`); the promotion removes it once the record names the new
 * primary (from then on the record makes the node read-only), or when it fails.
 */
export function fencingMarker(paths: Pick<TopologyPaths, 'node'>, node: string): string {
  return join(paths.node(node).dir, 'fencing');
}

export function markFencing(paths: Pick<TopologyPaths, 'node'>, node: string): void {
  writeFileSync(fencingMarker(paths, node), `${new Date().toISOString()}\n`);
}

export function clearFencing(paths: Pick<TopologyPaths, 'node'>, node: string): void {
  rmSync(fencingMarker(paths, node), { force: true });
}

export function fencingUnderway(paths: Pick<TopologyPaths, 'node'>, node: string): boolean {
  return existsSync(fencingMarker(paths, node));
}
