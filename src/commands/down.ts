import { z } from 'zod';
import { ExitCode } from '../errors.js';
import { down } from '../provision/down.js';
import { knownTopologies } from '../provision/state.js';
import { topologyName } from '../topology/load.js';
import { startProgress } from '../ui/progress.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  topology: z.string().optional(),
  purge: z.boolean().default(false),
  all: z.boolean().default(false),
  json: z.boolean().default(false),
});

export const downCommand: CommandSpec = {
  name: 'down',
  summary: 'stop every node shopctl started for the topology, also after a crash; --purge deletes data',
  configure: (c) =>
    c
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--purge', 'also delete the data, configs and secrets')
      .option('--all', 'every topology under .shopctl (or $SHOPCTL_HOME), whatever the file says')
      .option('--json', 'print the result as JSON on stdout'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const names = opts.all ? knownTopologies() : [topologyName(opts.topology)];
    const progress = await startProgress(`shopctl down: ${names.join(', ') || 'nothing to stop'}`);
    const results = [];
    try {
      for (const name of names) results.push(await down(name, { purge: opts.purge, listener: progress.listener }));
    } finally {
      await progress.close();
    }
    for (const r of results) {
      const what = r.skipped ?? (r.stopped.length === 0 ? 'nothing was running' : `stopped ${r.stopped.join(', ')}`);
      writeErr(`topology ${r.topology}: ${what}${r.purged ? '; data deleted' : ''}`);
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(opts.all ? results : results[0])}\n`);
    return ExitCode.ok;
  },
};
