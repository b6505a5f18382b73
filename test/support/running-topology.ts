import { rmSync } from 'node:fs';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, expect } from 'vitest';
import { shopctl, type CliResult } from './cli.js';
import { adminConnection } from './databases.js';
import { pidOf } from './processes.js';
import type { TestTopology } from './topology.js';

export interface RunningTopology {
  /** `shopctl ARGS -t <the topology>` with the topology's SHOPCTL_HOME. */
  run(...args: string[]): Promise<CliResult>;
  /** An admin connection to the primary, open while the file's tests run. */
  primary(): Connection;
  /** The pid of a node's server, as `up` recorded it. */
  pidOf(node: string): number;
}

/**
 * Stands `topo` up before the file's tests and tears it down (data and home folder too) after
 * them, also when a test failed.
 */
export function runningTopology(topo: TestTopology): RunningTopology {
  const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file]);
  let primary: Connection | undefined;
  beforeAll(async () => {
    const up = await run('up');
    expect(up.code, up.stderr).toBe(0);
    primary = await adminConnection(topo, 'mysql-primary');
  });
  afterAll(async () => {
    await primary?.end();
    await run('down', '--purge');
    rmSync(topo.home, { recursive: true, force: true });
  });
  return {
    run,
    primary: () => {
      if (primary === undefined) throw new Error('the topology is not up yet');
      return primary;
    },
    pidOf: (node) => pidOf(topo, node),
  };
}
