import { availableParallelism } from 'node:os';

/**
 * The default of `app.workers` (processes per app node): half of the machine's cores, shared
 * evenly among the app nodes, at least 1. The other half is left to what shares the machine with
 * the apps (nginx, Redis, both databases and the load generator): an app that took every core
 * would starve the tiers it waits on (issue #12: 16 cores, each app at ~110 % CPU, the machine
 * two-thirds idle). On a 2-core machine with 2 apps this is 1: the node's primary and one worker.
 */
export function defaultAppWorkers(cores: number, apps: number): number {
  if (apps < 1) return 1;
  return Math.max(1, Math.floor(cores / 2 / apps));
}

/**
 * The cores of the machine that loads the topology: `up` runs there, and with the process driver
 * every app node runs there too, so the default is resolved once at load time and written into
 * each node's service.json.
 */
export function machineCores(): number {
  return availableParallelism();
}
