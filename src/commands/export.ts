import { Argument } from 'commander';
import { z } from 'zod';
import { ExitCode } from '../errors.js';
import { writeComposeExport } from '../export/compose/write.js';
import { requireMariadb } from '../topology/require-mariadb.js';
import { loadTopology } from '../topology/load.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  topology: z.string().optional(),
  network: z.enum(['host', 'bridge']).optional(),
  out: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write the topology for another tool: compose (a docker-compose project)',
  configure: (c) =>
    c
      .addArgument(new Argument('<format>', 'what to write').choices(['compose']))
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--network <mode>', "host: every container on the host network (127.0.0.1); bridge: a network of its own, nodes by name, ports published on 127.0.0.1 (default: the topology's docker.network, host)")
      .option('-o, --out <dir>', 'folder to write (default: compose/<topology>)')
      .option('--json', 'print what was written as JSON on stdout'),
  async action(_format, raw) {
    const opts = parseOptions(options, raw);
    const topology = loadTopology(opts.topology);
    requireMariadb(topology, 'the exported services run MariaDB images; a MySQL 8 service (mysqld --initialize, its my.cnf) is not implemented');
    const written = writeComposeExport(topology, opts.network ?? topology.docker.network, opts.out ?? `compose/${topology.name}`);
    writeErr(`wrote ${written.composeFile} (${written.services.length} services, --network ${written.network}${written.newSecrets ? ', new passwords' : ', passwords kept'})`);
    writeErr(`start it: docker-compose -f ${written.composeFile} up -d`);
    if (opts.json) process.stdout.write(`${JSON.stringify(written)}\n`);
    return ExitCode.ok;
  },
};
