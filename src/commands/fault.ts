import { z } from 'zod';
import { EnvironmentError, ExitCode, UsageError } from '../errors.js';
import { describeFault } from '../faults/active-faults.js';
import { FaultInjector, type FaultOutcome } from '../faults/injector.js';
import type { PartitionSpec } from '../faults/partition.js';
import { RunningTopology } from '../running/running-topology.js';
import { loadTopology } from '../topology/load.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const ACTIONS = ['kill', 'pause', 'resume', 'restart', 'partition', 'heal', 'list'] as const;
type Action = (typeof ACTIONS)[number];

const nodeList = z
  .string()
  .transform((text) => text.split(',').map((n) => n.trim()).filter(Boolean))
  .optional();

const options = z.object({
  topology: z.string().optional(),
  isolate: z.string().optional(),
  between: nodeList,
  and: nodeList,
  oneWay: z.boolean().default(false),
  json: z.boolean().default(false),
});
type Options = z.output<typeof options>;

export const faultCommand: CommandSpec = {
  name: 'fault',
  summary: 'inject a fault into a running topology, or undo faults: kill|pause|resume|restart NODE…, partition, heal [NODE…], list',
  configure: (c) =>
    c
      .argument('<action>', `one of ${ACTIONS.join(', ')}`)
      .argument('[nodes...]', 'the nodes (kill, pause, resume, restart; heal: only faults touching these)')
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--isolate <node>', 'partition: cut this node off from every other node, both ways')
      .option('--between <nodes>', 'partition: one side, comma-separated (with --and)')
      .option('--and <nodes>', 'partition: the other side, comma-separated')
      .option('--one-way', 'partition: drop only what the --between side sends to the --and side')
      .option('--json', 'print the result as JSON on stdout')
      .addHelpText(
        'after',
        `
Partitions drop packets silently (a connect across one times out), on open connections too;
they need the local driver, root and nftables. heal with no node undoes every fault: partitions
removed, paused nodes resumed, killed nodes started again. resume of a node that is not paused
says so and exits 0. down always undoes every fault. docs/faults.md has the details.`,
      ),
  async action(rawAction, rawNodes, raw) {
    const action = parseAction(rawAction);
    const nodes = Array.isArray(rawNodes) ? rawNodes.map(String) : [];
    const opts = parseOptions(options, raw);
    refuseMisplaced(action, nodes, opts);
    const topology = loadTopology(opts.topology);
    const running = RunningTopology.find(topology);
    if (running === undefined) throw new EnvironmentError(`topology ${topology.name} is not up`, [`start it first: shopctl up -t ${topology.file}`]);
    const injector = new FaultInjector(running);
    const outcome = await perform(injector, action, nodes, opts);
    const active = await injector.list();
    for (const { node, done } of outcome) writeErr(`${node}: ${done}`);
    writeErr(active.length === 0 ? 'no fault in force' : `in force: ${active.map(describeFault).join('; ')}`);
    if (opts.json) process.stdout.write(`${JSON.stringify({ topology: topology.name, action, outcome, active })}\n`);
    return ExitCode.ok;
  },
};

async function perform(injector: FaultInjector, action: Action, nodes: string[], opts: Options): Promise<FaultOutcome> {
  switch (action) {
    case 'kill':
      return injector.kill(nodes);
    case 'pause':
      return injector.pause(nodes);
    case 'resume':
      return injector.resume(nodes);
    case 'restart':
      return injector.restart(nodes);
    case 'heal':
      return injector.heal(nodes);
    case 'list':
      return [];
    case 'partition': {
      const { id, target } = await injector.partition(partitionSpec(opts));
      return [{ node: target, done: `partition #${id} in force` }];
    }
  }
}

function parseAction(raw: unknown): Action {
  const action = String(raw);
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown fault action "${action}"`, [`actions: ${ACTIONS.join(', ')}`]);
  return action as Action;
}

/** Flags and nodes that mean nothing for the action are refused, not ignored. */
function refuseMisplaced(action: Action, nodes: string[], opts: Options): void {
  const partitionFlags = opts.isolate !== undefined || opts.between !== undefined || opts.and !== undefined || opts.oneWay;
  if (action !== 'partition' && partitionFlags) throw new UsageError(`--isolate, --between, --and and --one-way belong to fault partition, not fault ${action}`);
  if ((action === 'partition' || action === 'list') && nodes.length > 0) throw new UsageError(`fault ${action} takes no node arguments${action === 'partition' ? '; use --isolate or --between … --and …' : ''}`);
  if (['kill', 'pause', 'resume', 'restart'].includes(action) && nodes.length === 0) throw new UsageError(`fault ${action} needs at least one node`);
}

function partitionSpec(opts: Options): PartitionSpec {
  if (opts.isolate !== undefined) {
    if (opts.between !== undefined || opts.and !== undefined || opts.oneWay) throw new UsageError('use either --isolate NODE or --between A,B --and C,D [--one-way], not both');
    return { isolate: opts.isolate };
  }
  if (opts.between === undefined || opts.and === undefined) throw new UsageError('fault partition needs --isolate NODE, or --between A[,B…] --and C[,D…]');
  return { between: opts.between, and: opts.and, oneWay: opts.oneWay };
}
