import cluster from 'node:cluster';
import { z } from 'zod';
import { EnvironmentError, ExitCode } from '../errors.js';
import { loadServiceConfig } from '../service/config.js';
import { DRAIN_MESSAGE, runNodePrimary } from '../service/cluster/node-primary.js';
import { nodeMetricsView } from '../service/cluster/node-metrics.js';
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
    // One worker is the plain single process of before: no primary, no IPC in the way.
    if (config.workers > 1 && cluster.isPrimary) {
      const ending = await runNodePrimary(config.node, config.workers);
      if (ending === 'crash-loop') throw new EnvironmentError(`${config.node}: its workers kept dying; the node stopped`);
      return ExitCode.ok;
    }
    const worker = cluster.isWorker;
    const service = await startService(config, worker ? { metricsView: nodeMetricsView } : {});
    const who = worker ? `${config.node} worker ${process.pid}` : config.node;
    writeErr(`${who}: serving on http://${config.host}:${config.port} (strategy ${config.strategy})`);
    await new Promise<void>((resolve) => {
      let draining = false;
      const stop = (why: string) => {
        if (draining) return;
        draining = true;
        writeErr(`${who}: ${why}, draining`);
        void service.close().then(resolve);
      };
      if (worker) {
        // `down` signals the whole process group and the primary asks too: drain once, and
        // stay deaf to a second SIGTERM, which would otherwise kill a worker mid-request.
        process.on('SIGTERM', () => stop('SIGTERM'));
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('message', (message: unknown) => {
          if (message === DRAIN_MESSAGE) stop('asked by the primary');
        });
      } else {
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      }
    });
    return ExitCode.ok;
  },
};
