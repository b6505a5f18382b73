import type { TopologyPaths } from '../provision/home.js';
import { primaryOf, type NodeRole, type Topology, type TopologyNode } from '../topology/model.js';
import { readFailoverState } from './state.js';

/**
 * Who holds the writing roles now. The topology file names the first primary and Redis master;
 * a failover moves them: the database's by `failover.json`, Redis's by what the Sentinels say.
 */
export interface CurrentRoles {
  /** Promotions of the database so far (0: none). */
  epoch: number;
  mysqlPrimary: string;
  redisMaster: string;
}

/** The roles as the topology file has them. */
export function fileRoles(topology: Topology): CurrentRoles {
  return { epoch: 0, mysqlPrimary: primaryOf(topology, 'mysql').name, redisMaster: primaryOf(topology, 'redis').name };
}

/** The database's roles from the promotion record; Redis's as given (Sentinel is asked elsewhere). */
export function databaseRoles(topology: Topology, paths: Pick<TopologyPaths, 'root'>, redisMaster?: string): CurrentRoles {
  const roles = fileRoles(topology);
  const state = readFailoverState(paths);
  return { epoch: state?.epoch ?? 0, mysqlPrimary: state?.primary ?? roles.mysqlPrimary, redisMaster: redisMaster ?? roles.redisMaster };
}

/** A node's role now: a data node's by the current roles, every other node's as the file says. */
export function roleNow(node: TopologyNode, roles: CurrentRoles): NodeRole {
  if (node.kind === 'mysql') return node.name === roles.mysqlPrimary ? 'primary' : 'replica';
  if (node.kind === 'redis') return node.name === roles.redisMaster ? 'primary' : 'replica';
  return node.role;
}
