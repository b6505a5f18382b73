import { describe, expect, it } from 'vitest';
import { poolBudget, type PoolBudgetInput } from './pool-budget.js';

const seed: PoolBudgetInput = { connectionsPerDatabase: 300, apps: 2, workers: 1, hasReplica: true, pools: {} };

describe('the pool budget: apps × workers × pool + 10 reserved ≤ C per database', () => {
  it('derives each pool as floor((C − 10) / (apps × workers))', () => {
    expect(poolBudget(seed)).toEqual({ pools: { primary: 145, replica: 145 }, issues: [] });
    expect(poolBudget({ ...seed, workers: 4 }).pools).toEqual({ primary: 36, replica: 36 });
    expect(poolBudget({ ...seed, workers: 3 }).pools).toEqual({ primary: 48, replica: 48 });
  });

  it('without a replica both pools share the primary', () => {
    expect(poolBudget({ ...seed, hasReplica: false }).pools).toEqual({ primary: 72, replica: 72 });
    expect(poolBudget({ ...seed, hasReplica: false, pools: { primary: 100 } }).pools).toEqual({ primary: 100, replica: 45 });
  });

  it('keeps pools that fit, up to exactly C', () => {
    expect(poolBudget({ ...seed, pools: { primary: 145, replica: 140 } })).toEqual({ pools: { primary: 145, replica: 140 }, issues: [] });
  });

  it('refuses given pools over C, naming the keys and the sum', () => {
    expect(poolBudget({ ...seed, workers: 3, pools: { primary: 140 } }).issues).toEqual([
      { path: ['app', 'pools', 'primary'], message: '2 apps × app.workers 3 × app.pools.primary 140 + 10 reserved = 850 connections on the primary, over limits.connectionsPerDatabase 300' },
    ]);
    expect(poolBudget({ ...seed, hasReplica: false, pools: { primary: 100, replica: 100 } }).issues).toEqual([
      { path: ['app', 'pools', 'primary'], message: '2 apps × app.workers 1 × (app.pools.primary 100 + app.pools.replica 100) + 10 reserved = 410 connections on the primary, over limits.connectionsPerDatabase 300' },
    ]);
  });

  it('refuses more processes than connections, naming app.workers', () => {
    expect(poolBudget({ ...seed, workers: 200 }).issues).toEqual([
      { path: ['app', 'workers'], message: '2 apps × app.workers 200 × app.pools.primary 1 (the least a process needs) + 10 reserved = 410 connections on the primary, over limits.connectionsPerDatabase 300' },
      { path: ['app', 'workers'], message: '2 apps × app.workers 200 × app.pools.replica 1 (the least a process needs) + 10 reserved = 410 connections on the replica, over limits.connectionsPerDatabase 300' },
    ]);
  });
});
