import { z } from 'zod';
import { monitorState, requestSwitchover } from '../clients/monitor.js';
import { EnvironmentError, ExitCode, UsageError } from '../errors.js';
import { lineFailoverLog } from '../failover/failover-log.js';
import type { Promotion } from '../failover/state.js';
import { candidateFor, promoteHere } from '../failover/switchover.js';
import { RunningTopology } from '../running/running-topology.js';
import { loadTopology } from '../topology/load.js';
import { nodesOfKind } from '../topology/model.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  topology: z.string().optional(),
  to: z.string().min(1, 'expected a mysql node').optional(),
  force: z.boolean().default(false),
  json: z.boolean().default(false),
});

export const failoverCommand: CommandSpec = {
  name: 'failover',
  summary: 'planned switchover of the database primary to a replica, without loss (--force: a failover drill that may lose writes)',
  configure: (c) =>
    c
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--to <node>', 'the replica to promote (default: the first replica)')
      .option('--force', 'do not wait for the primary: fence it (read-only, or kill it) and promote the replica with what it has; acknowledged writes it lacks are lost (a drill; refused with a monitor node)')
      .option('--json', 'print the promotion as JSON on stdout')
      .addHelpText(
        'after',
        `
A switchover makes the primary read-only, waits until the replica has applied everything it
wrote, promotes the replica, records the new epoch in .shopctl/<topology>/failover.json and
makes the old primary replicate from the new one; the apps follow the writable server. With a
monitor node (ha.mysql.failover: auto) the monitor runs it. docs/failover.md has the details.`,
      ),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const topology = loadTopology(opts.topology);
    await using running = requireRunning(RunningTopology.find(topology), topology.file);
    const candidate = candidateFor(running, opts.to);
    const [monitor] = nodesOfKind(topology, 'monitor');
    let promotion: Promotion;
    if (monitor !== undefined) {
      if (opts.force) throw new UsageError('--force: the monitor decides failovers on this topology', [`to drill one, stop the primary: shopctl fault kill ${(await running.roles()).mysqlPrimary}`]);
      await monitorState(running.origin(monitor)).catch((error: Error) => {
        throw new EnvironmentError(`the monitor ${monitor.name} does not answer: ${error.message}`, [`start it: shopctl up -t ${topology.file}`]);
      });
      const answer = await requestSwitchover(running.origin(monitor), candidate.name);
      if (!answer.ok) throw new EnvironmentError(`no switchover: ${answer.message}`, [...answer.details, `the monitor's log: ${running.paths.node(monitor.name).logFile}`]);
      promotion = answer.promotion;
    } else {
      promotion = await promoteHere(running, candidate, opts.force, lineFailoverLog(writeErr));
    }
    writeErr(`${promotion.kind}: ${promotion.from} → ${promotion.to}, epoch ${promotion.epoch}, writes after ${promotion.ms} ms (old primary fenced: ${promotion.fencing})`);
    if (opts.json) process.stdout.write(`${JSON.stringify({ topology: topology.name, promotion })}\n`);
    return ExitCode.ok;
  },
};

function requireRunning(running: RunningTopology | undefined, file: string): RunningTopology {
  if (running === undefined) throw new EnvironmentError('the topology is not up', [`start it first: shopctl up -t ${file}`]);
  return running;
}
