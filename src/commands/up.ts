import { z } from 'zod';
import { ExitCode } from '../errors.js';
import { up } from '../provision/up.js';
import { requireMariadb } from '../topology/require-mariadb.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/model.js';
import { startProgress } from '../ui/progress.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  topology: z.string().optional(),
  driver: z.enum(['local', 'docker']).default('local'),
  fresh: z.boolean().default(false),
  json: z.boolean().default(false),
});

export const upCommand: CommandSpec = {
  name: 'up',
  summary: 'provision every node of the topology and wait until all are ready (idempotent)',
  configure: (c) =>
    c
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--driver <driver>', 'where nodes run: local (processes) or docker', 'local')
      .option('--fresh', 'delete the topology\'s data and start from nothing')
      .option('--json', 'print the result as JSON on stdout'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const topology = loadTopology(opts.topology);
    refuseMysql8(topology, opts.driver);
    const progress = await startProgress(`shopctl up: topology ${topology.name}`);
    try {
      const result = await up(topology, { fresh: opts.fresh, driver: opts.driver, listener: progress.listener });
      await progress.close();
      const what = result.started.length === 0 ? 'already up' : `${result.started.length} node(s) started`;
      for (const warning of result.warnings) writeErr(`warning: ${warning}`);
      writeErr(`topology ${topology.name} is up (${what}) in ${(result.ms / 1000).toFixed(1)}s; LB on ${result.loadBalancer}`);
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      return ExitCode.ok;
    } catch (error) {
      await progress.close();
      throw error;
    }
  },
};

/** What runs a database node instead of MySQL 8, per driver. */
function refuseMysql8(topology: Topology, driver: 'local' | 'docker'): void {
  requireMariadb(topology, driver === 'local' ? "the local driver runs Debian's MariaDB" : 'the docker driver runs MariaDB images; a MySQL 8 node (mysqld --initialize, its my.cnf) is not implemented');
}
