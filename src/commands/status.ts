import { z } from 'zod';
import { ExitCode } from '../errors.js';
import { logTail } from '../provision/log-tail.js';
import { topologyStatus } from '../provision/status.js';
import { loadTopology } from '../topology/load.js';
import { formatLogLine, formatStatusTable } from '../ui/status-table.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const LOG_LINES = 5;

const options = z.object({ topology: z.string().optional(), json: z.boolean().default(false) });

export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'each node: running?, pid, port, role, replication state and lag, connections; exit 0 only when all are healthy',
  configure: (c) =>
    c.option('-t, --topology <file>', 'topology file (default: topology/default.yaml)').option('--json', 'print one JSON document on stdout'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const status = await topologyStatus(loadTopology(opts.topology));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      const down = status.nodes.filter((n) => !n.healthy).map((n) => `${n.name} (${n.detail})`);
      if (down.length > 0) writeErr(`topology ${status.topology}: not healthy: ${down.join(', ')}`);
    } else {
      writeErr(formatStatusTable(status));
      // What a sick node said last, so the cause is on screen, not one command away (an app's
      // JSON log lines in human form).
      for (const node of status.nodes.filter((n) => status.provisioned && !n.healthy)) {
        writeErr(['', `${node.name}:`, ...logTail(node.log, LOG_LINES, node.kind === 'app' ? formatLogLine : undefined)].join('\n'));
      }
    }
    return status.healthy ? ExitCode.ok : ExitCode.environment;
  },
};
