import { z } from 'zod';
import { ExitCode } from '../errors.js';
import { loadServiceConfig } from '../service/config.js';
import { startService } from '../service/server.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({ config: z.string({ error: 'expected --config FILE (written by shopctl up)' }) });

export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'run the embedded purchase/view service (what app nodes run)',
  configure: (c) => c.requiredOption('--config <file>', 'service config written by shopctl up (<node>/service.json)'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const config = loadServiceConfig(opts.config);
    const service = await startService(config);
    writeErr(`${config.node}: serving on http://${config.host}:${config.port} (strategy ${config.strategy})`);
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        writeErr(`${config.node}: ${signal}, draining`);
        void service.close().then(resolve);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return ExitCode.ok;
  },
};
