/**
 * The connection budget of each database (DESIGN.md section 8): every process of every app node
 * holds its own pools, so apps × app.workers × pool + reserve must stay within
 * limits.connectionsPerDatabase (C) on each database.
 */

/** Connections of each database kept free of app pools: admin, replication, audits, shell. */
export const RESERVED_DB_CONNECTIONS = 10;

export type PoolName = 'primary' | 'replica';
export type Pools = Record<PoolName, number>;

export interface PoolBudgetInput {
  /** C: max_connections of each database. */
  connectionsPerDatabase: number;
  apps: number;
  /** Processes per app node (app.workers, resolved). */
  workers: number;
  /** Without a replica, views read the primary: both pools draw on it. */
  hasReplica: boolean;
  /** app.pools as written; a pool left out gets an even share of what its database has left. */
  pools: Partial<Pools>;
}

export interface BudgetIssue {
  path: string[];
  message: string;
}

export interface PoolBudget {
  /** Connections per app process, per pool. */
  pools: Pools;
  issues: BudgetIssue[];
}

export function poolBudget(input: PoolBudgetInput): PoolBudget {
  const processes = input.apps * input.workers;
  const budget = input.connectionsPerDatabase - RESERVED_DB_CONNECTIONS;
  const databases: [PoolName, PoolName[]][] = input.hasReplica ? [['primary', ['primary']], ['replica', ['replica']]] : [['primary', ['primary', 'replica']]];
  const pools: Pools = { primary: 1, replica: 1 };
  const issues: BudgetIssue[] = [];
  for (const [database, drawing] of databases) {
    const given = drawing.filter((p) => input.pools[p] !== undefined);
    const absent = drawing.filter((p) => input.pools[p] === undefined);
    const givenPerProcess = given.reduce((sum, p) => sum + (input.pools[p] ?? 0), 0);
    const share = absent.length === 0 ? 0 : Math.floor((budget - processes * givenPerProcess) / (processes * absent.length));
    // A process needs at least one connection per pool; a share below that is reported as 1.
    for (const p of drawing) pools[p] = input.pools[p] ?? Math.max(1, share);
    const total = processes * drawing.reduce((sum, p) => sum + pools[p], 0) + RESERVED_DB_CONNECTIONS;
    if (total <= input.connectionsPerDatabase) continue;
    const terms = drawing.map((p) => `app.pools.${p} ${pools[p]}${input.pools[p] === undefined ? ' (the least a process needs)' : ''}`);
    const poolTerm = terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`;
    issues.push({
      path: ['app', ...(given[0] === undefined ? ['workers'] : ['pools', given[0]])],
      message: `${input.apps} apps × app.workers ${input.workers} × ${poolTerm} + ${RESERVED_DB_CONNECTIONS} reserved = ${total} connections on the ${database}, over limits.connectionsPerDatabase ${input.connectionsPerDatabase}`,
    });
  }
  return { pools, issues };
}
