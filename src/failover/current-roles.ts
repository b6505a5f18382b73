import { existsSync, readFileSync } from 'node:fs';
import { SENTINEL_MASTER_NAME, sentinelMajorityPort } from '../clients/sentinel.js';
import { endpointOf, type Addressing } from '../provision/addressing.js';
import type { TopologyPaths } from '../provision/home.js';
import { sentinelConfigFile } from '../provision/nodes/sentinel.js';
import type { Secrets } from '../provision/secrets.js';
import { nodesOfKind, type Topology } from '../topology/model.js';
import { databaseRoles, type CurrentRoles } from './roles.js';

/**
 * The roles now: the database's from the promotion record, Redis's from a majority of the
 * Sentinels (`ha.redis: sentinel`), else as the file says. When no majority answers alike (they
 * are stopped, or mid-failover) Redis's master is the one the Sentinels' own config files last
 * recorded (the highest config-epoch): after `down` and `up` the old master comes back as a
 * replica, as the Sentinels will expect, not as a second master. Before any Sentinel ran, the
 * file's.
 */
export async function currentRoles(topology: Topology, paths: Pick<TopologyPaths, 'root' | 'node'>, addressing: Addressing, secrets: Pick<Secrets, 'redisPassword'>): Promise<CurrentRoles> {
  if (topology.ha.redis !== 'sentinel') return databaseRoles(topology, paths);
  const sentinels = nodesOfKind(topology, 'sentinel');
  const live = await sentinelMajorityPort(sentinels.map((n) => endpointOf(addressing, n)), secrets.redisPassword).catch(() => undefined);
  const port = live ?? recordedMasterPort(sentinels.map((n) => sentinelConfigFile({ paths }, n)));
  const master = nodesOfKind(topology, 'redis').find((n) => n.port === port);
  return databaseRoles(topology, paths, master?.name);
}

/**
 * The master port the newest of the Sentinels' config files names: Sentinel rewrites its file
 * with `sentinel monitor shop HOST PORT Q` and `sentinel config-epoch shop N` at every switch.
 */
export function recordedMasterPort(files: readonly string[]): number | undefined {
  let best: { epoch: number; port: number } | undefined;
  for (const file of files) {
    if (!existsSync(file)) continue;
    const recorded = parseSentinelConfig(readFileSync(file, 'utf8'));
    if (recorded !== undefined && (best === undefined || recorded.epoch > best.epoch)) best = recorded;
  }
  return best?.port;
}

export function parseSentinelConfig(text: string): { epoch: number; port: number } | undefined {
  const name = SENTINEL_MASTER_NAME;
  const monitor = new RegExp(`^sentinel monitor ${name} \\S+ (\\d+) \\d+$`, 'm').exec(text);
  if (monitor === null) return undefined;
  const epoch = new RegExp(`^sentinel config-epoch ${name} (\\d+)$`, 'm').exec(text);
  return { port: Number(monitor[1]), epoch: epoch === null ? 0 : Number(epoch[1]) };
}
