import { defaultAppWorkers } from './app-workers.js';
import { poolBudget, type PoolBudgetInput, type Pools } from './pool-budget.js';
import type { TopologyFile } from './schema.js';

/** `app:` with its defaults that depend on the machine and the other keys resolved. */
export type AppSettings = Omit<TopologyFile['app'], 'workers' | 'pools'> & {
  /** Processes per app node. */
  workers: number;
  /** Database connections per app process. */
  pools: Pools;
};

function appCount(t: TopologyFile): number {
  return Object.values(t.nodes).filter((n) => n.kind === 'app').length;
}

/**
 * `app.workers` as written, or its default shrunk until the pools the file pins fit C: a file
 * valid on one machine stays valid on a machine with more cores. Only workers the user wrote
 * can be refused for the budget.
 */
export function resolvedWorkers(t: TopologyFile, cores: number): number {
  if (t.app.workers !== undefined) return t.app.workers;
  let workers = defaultAppWorkers(cores, appCount(t));
  while (workers > 1 && poolBudget(budgetInput(t, workers)).issues.length > 0) workers -= 1;
  return workers;
}

export function budgetInput(t: TopologyFile, workers: number): PoolBudgetInput {
  return {
    connectionsPerDatabase: t.limits.connectionsPerDatabase,
    apps: appCount(t),
    workers,
    hasReplica: Object.values(t.nodes).some((n) => n.kind === 'mysql' && n.replicaOf !== undefined),
    pools: { ...(t.app.pools.primary === undefined ? {} : { primary: t.app.pools.primary }), ...(t.app.pools.replica === undefined ? {} : { replica: t.app.pools.replica }) },
  };
}

/** Called on a validated topology: the budget's issues were already refused. */
export function resolveAppSettings(t: TopologyFile, cores: number): AppSettings {
  const workers = resolvedWorkers(t, cores);
  return { ...t.app, workers, pools: poolBudget(budgetInput(t, workers)).pools };
}
