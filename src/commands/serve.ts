import cluster from 'node:cluster';
import { z } from 'zod';
import { EnvironmentError, ExitCode } from '../errors.js';
import { loadServiceConfig } from '../service/config.js';
import { DRAIN_MESSAGE, runNodePrimary } from '../service/cluster/node-primary.js';
import { nodeMetricsView } from '../service/cluster/node-metrics.js';
import { receiveListeners } from '../service/cluster/shared-listener.js';
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
    // Every app node is a primary and its workers, even of one: the primary owns the node's
    // socket and hands each worker many descriptors of it (service/cluster/shared-listener.ts).
    if (cluster.isPrimary) {
      const ending = await runNodePrimary(config).catch((error: unknown) => {
        throw new EnvironmentError(`${config.node}: ${error instanceof Error ? error.message : String(error)}`);
      });
      if (ending === 'crash-loop') throw new EnvironmentError(`${config.node}: its workers kept dying; the node stopped`);
      return ExitCode.ok;
    }
    const worker = cluster.isWorker;
    // Listened for before the service starts: a stop asked while it connects is kept, not lost.
    const stopAsked = stopRequest(worker);
    const service = await startService(config, worker ? { metricsView: nodeMetricsView, listeners: await receiveListeners() } : {});
    const who = worker ? `${config.node} worker ${process.pid}` : config.node;
    writeErr(`${who}: serving on http://${config.host}:${config.port} (strategy ${config.strategy})`);
    writeErr(`${who}: ${await stopAsked}, draining`);
    await service.close();
    return ExitCode.ok;
  },
};

/**
 * Settles with why the process is asked to stop. A worker hears SIGTERM, SIGINT and the
 * primary's drain message, and stays deaf to the repeats (`down` signals the whole process group
 * and the primary asks too; a second SIGTERM would otherwise kill it mid-request). The plain
 * single process takes the first signal; a second one ends it at once.
 */
function stopRequest(worker: boolean): Promise<string> {
  return new Promise((resolve) => {
    const on = worker ? process.on.bind(process) : process.once.bind(process);
    on('SIGTERM', () => resolve('SIGTERM'));
    on('SIGINT', () => resolve('SIGINT'));
    if (worker) {
      process.on('message', (message: unknown) => {
        if (message === DRAIN_MESSAGE) resolve('asked by the primary');
      });
    }
  });
}
