import { z } from 'zod';
import { EnvironmentError, ExitCode } from '../errors.js';
import { createFailoverLog } from '../failover/failover-log.js';
import { loadMonitorConfig } from '../failover/monitor-config.js';
import { startMonitorServer } from '../failover/monitor-server.js';
import { FailoverMonitor } from '../failover/monitor.js';
import { RunningTopology } from '../running/running-topology.js';
import { loadTopology } from '../topology/load.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({ config: z.string({ error: 'expected --config FILE (written by shopctl up)' }) });

export const monitorCommand: CommandSpec = {
  name: 'monitor',
  summary: 'run the database failover monitor (what monitor nodes run)',
  configure: (c) => c.requiredOption('--config <file>', 'monitor config written by shopctl up (<node>/monitor.json)'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const config = loadMonitorConfig(opts.config);
    // The topology's state folder, wherever the monitor was started from.
    process.env.SHOPCTL_HOME = config.stateRoot.replace(/\/[^/]+\/?$/, '');
    const topology = loadTopology(config.topologyFile);
    const running = RunningTopology.findStarting(topology);
    if (running === undefined) throw new EnvironmentError(`${config.node}: topology ${topology.name} is not set up (no state under ${config.stateRoot})`);
    const log = createFailoverLog(config.node);
    const monitor = new FailoverMonitor(running, config, log);
    const server = await startMonitorServer(monitor, running, config.host, config.port);
    monitor.start();
    log.event('info', 'monitor_started', { primary: (await running.roles()).mysqlPrimary, intervalMs: config.intervalMs, failcount: config.failcount, cooldownS: config.cooldownS });
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    await monitor.stop();
    server.close();
    await running.close();
    log.event('info', 'monitor_stopped', { signal });
    return ExitCode.ok;
  },
};
