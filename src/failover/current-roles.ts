import { sentinelMajorityPort } from '../clients/sentinel.js';
import { endpointOf, type Addressing } from '../provision/addressing.js';
import type { TopologyPaths } from '../provision/home.js';
import type { Secrets } from '../provision/secrets.js';
import { nodesOfKind, type Topology } from '../topology/model.js';
import { databaseRoles, type CurrentRoles } from './roles.js';

/**
 * The roles now: the database's from the promotion record, Redis's from a majority of the
 * Sentinels (`ha.redis: sentinel`), else as the file says. Sentinels that do not answer (the
 * topology is starting) leave Redis's roles as the file has them.
 */
export async function currentRoles(topology: Topology, paths: Pick<TopologyPaths, 'root'>, addressing: Addressing, secrets: Pick<Secrets, 'redisPassword'>): Promise<CurrentRoles> {
  if (topology.ha.redis !== 'sentinel') return databaseRoles(topology, paths);
  const sentinels = nodesOfKind(topology, 'sentinel').map((n) => endpointOf(addressing, n));
  const port = await sentinelMajorityPort(sentinels, secrets.redisPassword).catch(() => undefined);
  const master = nodesOfKind(topology, 'redis').find((n) => n.port === port);
  return databaseRoles(topology, paths, master?.name);
}
