import { resolve } from 'node:path';
import { z } from 'zod';
import { runBench } from '../bench/run.js';
import { stepsInBudget, type CapacityOptions, type CapacityRecord } from '../bench/capacity/find-capacity.js';
import { describePhases } from '../bench/latency-phases.js';
import { describeErrorsByOrigin, type LatencySummary, type RequestClass } from '../bench/measurement.js';
import { ExitCode, UsageError } from '../errors.js';
import { parseFaultFlag, planFaults, type PlannedFault } from '../faults/schedule.js';
import { Interrupt } from '../provision/interrupt.js';
import { capacitySentences } from '../report/format.js';
import type { BenchReport } from '../report/model.js';
import { durationSchema } from '../scenario/duration.js';
import { loadScenario, type Scenario } from '../scenario/load.js';
import { applyOverrides, parseMix } from '../scenario/overrides.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/model.js';
import { startBenchView } from '../ui/bench-view.js';
import { writeErr } from '../ui/terminal.js';
import { parseThresholds } from '../verify/thresholds/parse.js';
import { parseOptions, type CommandSpec } from './command.js';
import { agentRunId, parseAgentFlag, parseStartAt, RUN_NAME_PATTERN } from '../bench/agent.js';
import type { BenchListener } from '../bench/phases.js';
import { runAgent } from '../bench/agent-run.js';
import { availableParallelism } from 'node:os';

const whole = (min: number) => z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min));
const positive = z.string().regex(/^\d+(\.\d+)?$/, 'expected a number of requests per second').transform(Number).pipe(z.number().positive());

const options = z.object({
  scenario: z.string().optional(),
  topology: z.string().optional(),
  connections: whole(1).optional(),
  rate: positive.optional(),
  duration: durationSchema.pipe(z.number().min(1000, 'expected at least 1s')).optional(),
  warmup: durationSchema.optional(),
  timeout: durationSchema.pipe(z.number().min(100, 'expected at least 100ms')).optional(),
  mix: z.string().transform(parseMix).optional(),
  strategy: z.enum(['seed', 'atomic', 'batched']).optional(),
  seed: whole(0).optional(),
  out: z.string().min(1).optional(),
  workers: whole(1).pipe(z.number().max(64)).optional(),
  calibrate: z.boolean().default(false),
  findCapacity: z.boolean().default(false),
  budget: durationSchema.pipe(z.number().min(1000, 'expected at least 1s')).optional(),
  fault: z.array(z.string()).optional(),
  agent: z.string().transform(parseAgentFlag).optional(),
  startAt: z.string().optional(),
  runId: z.string().regex(RUN_NAME_PATTERN, 'expected a name of 1 to 16 lowercase letters, digits and dashes').optional(),
  target: z.url({ protocol: /^https?$/, error: 'expected an http:// URL of the load balancer, e.g. http://lb:8080' }).optional(),
  json: z.boolean().default(false),
});

/** `--find-capacity`'s defaults: each step 3 s of warm-up and 10 s measured, 5 minutes in all, within 5 %. */
const CAPACITY_DEFAULTS = { budgetMs: 300_000, stepWarmupMs: 3_000, stepDurationMs: 10_000, tolerance: 0.05, closedStartRate: 500 };

export const benchCommand: CommandSpec = {
  name: 'bench',
  summary: "drive the scenario's load through the LB, record every request, write a report (exit 4: the measurement cannot be trusted)",
  configure: (c) =>
    c
      .option('-s, --scenario <file>', 'scenario file, or the name of one in scenarios/ (default: seed)')
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--connections <n>', 'closed model: connections; open model: most requests in flight')
      .option('--rate <r>', 'requests per second: runs the open model')
      .option('--duration <d>', 'measured time, e.g. 30s or 2m')
      .option('--warmup <d>', 'time before measuring, e.g. 5s')
      .option('--timeout <d>', 'per request: no answer by then is a timeout (purchase outcome unknown)')
      .option('--mix <mix>', 'request mix, e.g. view=0.8,purchase=0.2')
      .option('--strategy <s>', 'purchase strategy: seed, atomic or batched')
      .option('--seed <n>', 'seed of the request sequence')
      .option('--out <dir>', 'reports folder; the run writes <dir>/<run-id>/ (default: reports); with --agent: the agent\'s own folder')
      .option('--workers <n>', 'load-generator threads (default: one per core)')
      .option('--calibrate', 'first measure the ceiling: GET /healthz through the same LB; alone without -s')
      .option('--find-capacity', "search the highest open-model rate at which every threshold holds (steps of --warmup + --duration, default 3s + 10s)")
      .option('--budget <d>', 'with --find-capacity: the most time the search may take (default 5m)')
      .option('--fault <spec>', "a fault during the load, repeatable; replaces the scenario's faults: e.g. 'at=20s for=5s kill redis-master'", (text: string, all: string[] = []) => [...all, text])
      .option('--agent <I/N>', 'run as load agent I of N (from 0): this process sends its share from --start-at and writes its part to --out; merge the parts with shopctl report merge')
      .option('--start-at <time>', 'with --agent: the agreed start, an ISO 8601 time with its zone, e.g. 2026-11-26T10:30:00Z')
      .option('--run-id <name>', 'with --agent: a name for the run, the same for every agent; the run id is <start>-<name> (default name: agents)')
      .option('--target <url>', "with --agent: send to this load balancer (e.g. http://lb:8080 in a cluster) instead of the topology's; no node is looked at")
      .option('--json', 'print report.json on stdout'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    if (opts.agent !== undefined) return runAsAgent(opts, opts.agent);
    refuseAgentFlags(opts);
    const { topology, scenario, applied } = scenarioFromFlags(opts);
    const capacity = capacityOptions(opts, scenario);
    const faults = faultPlan(scenario, topology, capacity !== undefined, opts.fault !== undefined);
    return withBenchView(opts.json, 'report:', (listener, signal) =>
      runBench({
        topology,
        scenario,
        overrides: applied,
        runScenario: !opts.calibrate || opts.scenario !== undefined,
        calibrate: opts.calibrate,
        workers: opts.workers,
        reportsDir: resolve(opts.out ?? 'reports'),
        listener,
        signal,
        capacity,
        faults,
      }),
    );
  },
};

type BenchOptions = z.output<typeof options>;

/** `bench --agent I/N`: this process's share of one run of several agents (bench/agent-run.ts). */
async function runAsAgent(opts: BenchOptions, agent: { index: number; count: number }): Promise<ExitCode> {
  if (opts.startAt === undefined) throw new UsageError('--agent needs --start-at: the time every agent starts, agreed beforehand', ['e.g. --start-at $(date -u -d "+1 min" +%Y-%m-%dT%H:%M:%SZ)']);
  if (opts.out === undefined) throw new UsageError("--agent needs --out: the agent's own folder, which report merge reads");
  for (const [flag, given] of [['--calibrate', opts.calibrate], ['--find-capacity', opts.findCapacity], ['--budget', opts.budget !== undefined], ['--fault', opts.fault !== undefined]] as const) {
    if (given) throw new UsageError(`${flag} cannot run with --agent: an agent runs its share of one scenario run`, ['run it in a bench of one process']);
  }
  const startAtMs = parseStartAt(opts.startAt);
  const { topology, scenario, applied } = scenarioFromFlags(opts);
  if (scenario.faults.length > 0 || scenario.nemesis !== undefined) {
    throw new UsageError(`${scenario.file}: faults: a scenario with faults cannot run on agents (one process drives the faults)`, ['run it in a bench of one process']);
  }
  if (scenario.load.connections < agent.count) throw new UsageError(`--agent ${agent.index}/${agent.count}: ${scenario.load.connections} connections cannot be split among ${agent.count} agents`);
  const runId = agentRunId(startAtMs, opts.runId);
  return withBenchView(opts.json, `agent ${agent.index} of ${agent.count}, run ${runId}; its part: agent.json; its share's report:`, (listener, signal) =>
    runAgent({
      topology,
      scenario,
      overrides: applied,
      place: { ...agent, startAtMs },
      runId,
      outDir: resolve(opts.out as string),
      targetUrl: opts.target,
      workers: opts.workers ?? availableParallelism(),
      listener,
      signal,
    }),
  );
}

/** The topology and the scenario as the flags make them, checked before anything is sent. */
function scenarioFromFlags(opts: BenchOptions): { topology: Topology; scenario: Scenario; applied: string[] } {
  const topology = loadTopology(opts.topology);
  const { scenario, applied } = applyOverrides(loadScenario(opts.scenario), {
    connections: opts.connections,
    rate: opts.rate,
    durationMs: opts.duration,
    warmupMs: opts.warmup,
    timeoutMs: opts.timeout,
    mix: opts.mix,
    strategy: opts.strategy,
    seed: opts.seed,
    faults: opts.fault === undefined ? undefined : { entries: opts.fault.map(parseFaultFlag), texts: opts.fault },
  });
  checkAgainstTopology(scenario, topology);
  // Thresholds are evaluated by verify, but a typo in one should stop the run before it starts.
  parseThresholds(scenario.thresholds, scenario.file);
  return { topology, scenario, applied };
}

/** Runs a bench under the live view and Ctrl-C handling, prints its summary, and returns its exit code. */
async function withBenchView(json: boolean, heading: string, run: (listener: BenchListener, signal: AbortSignal) => Promise<{ report: BenchReport; dir: string }>): Promise<ExitCode> {
  const interrupt = new Interrupt();
  const view = await startBenchView();
  try {
    const { report, dir } = await run(view.listener, interrupt.signal);
    await view.close();
    writeErr(summary(report, dir, heading));
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (interrupt.signal.aborted) throw interrupt.signal.reason;
    return benchExitCode(report);
  } finally {
    await view.close();
    interrupt.dispose();
  }
}

/** The agents' flags mean nothing without --agent. */
function refuseAgentFlags(opts: BenchOptions): void {
  for (const [flag, given] of [['--start-at', opts.startAt], ['--run-id', opts.runId], ['--target', opts.target]] as const) {
    if (given !== undefined) throw new UsageError(`${flag} is a load agent's flag: add --agent I/N, or leave ${flag} out`);
  }
}

/** `--find-capacity` and `--budget` as the search's options, or undefined without them; contradictions exit 64. */
function capacityOptions(opts: z.output<typeof options>, scenario: Scenario): CapacityOptions | undefined {
  if (!opts.findCapacity) {
    if (opts.budget !== undefined) throw new UsageError('--budget bounds --find-capacity: add --find-capacity, or leave --budget out');
    return undefined;
  }
  if (opts.rate !== undefined) throw new UsageError('--find-capacity searches the rate itself: leave --rate out');
  if (opts.calibrate) throw new UsageError('--find-capacity and --calibrate cannot run together: measure the ceiling in a run of its own');
  const load = scenario.load;
  const found: CapacityOptions = {
    budgetMs: opts.budget ?? CAPACITY_DEFAULTS.budgetMs,
    stepWarmupMs: opts.warmup ?? Math.min(load.warmup, CAPACITY_DEFAULTS.stepWarmupMs),
    stepDurationMs: opts.duration ?? Math.min(load.duration, CAPACITY_DEFAULTS.stepDurationMs),
    tolerance: CAPACITY_DEFAULTS.tolerance,
    startRate: load.model === 'open' ? load.rate : CAPACITY_DEFAULTS.closedStartRate,
  };
  if (stepsInBudget(found) < 2) {
    throw new UsageError(`--budget ${found.budgetMs / 1000}s holds fewer than 2 steps of ${(found.stepWarmupMs + found.stepDurationMs) / 1000}s (warm-up + measured, plus about 2s each)`, [
      'give a longer --budget, or shorter steps with --warmup and --duration',
    ]);
  }
  return found;
}

/** The run's fault schedule, checked against the topology and the run's length before anything is sent. */
function faultPlan(scenario: Scenario, topology: Topology, findingCapacity: boolean, fromFlags: boolean): PlannedFault[] {
  if (scenario.faults.length === 0 && scenario.nemesis === undefined) return [];
  if (findingCapacity) throw new UsageError('--find-capacity runs many short steps: a fault schedule cannot be placed in it', ['run the faults in a bench of their own']);
  return planFaults({
    file: scenario.file,
    fromFlags,
    faults: scenario.faults,
    nemesis: scenario.nemesis,
    seed: scenario.seed,
    runMs: scenario.load.warmup + scenario.load.duration,
    nodes: topology.nodes.map((n) => n.name),
  });
}

/** The bench's verdict on its own report: 4 when the generator's self-check failed (errors.ts has the rule). */
function benchExitCode(report: BenchReport): ExitCode {
  return report.generator.trustworthy ? ExitCode.ok : ExitCode.untrustedMeasurement;
}

/** Products asked for must exist in the topology's catalog: otherwise every request is a 404. */
function checkAgainstTopology(scenario: Scenario, topology: Topology): void {
  const catalog = topology.catalog.products;
  if (scenario.products !== undefined && scenario.products > catalog) {
    throw new UsageError(`${scenario.file}: products: ${scenario.products} is more than the ${catalog} products of topology ${topology.name} (${topology.file})`);
  }
  const p = scenario.popularity;
  if (p.kind === 'hot' && p.productId > (scenario.products ?? catalog)) {
    throw new UsageError(`${scenario.file}: popularity.productId: product ${p.productId} is not among the ${scenario.products ?? catalog} products asked for`);
  }
}

function summary(report: BenchReport, dir: string, heading: string): string {
  const lines = [`${heading} ${dir}/report.html (report.json, report.md, ledger.ndjson)`];
  if (report.ceiling !== null) lines.push(`ceiling: ${report.ceiling.rps} requests/s on GET /healthz with ${report.ceiling.connections} connections`);
  if (report.capacity !== undefined) lines.push(...describeCapacity(report.capacity));
  if (report.load !== null) {
    lines.push(`throughput: ${report.throughput.rps} requests/s over ${report.throughput.measuredS}s`);
    for (const [cls, s] of Object.entries(report.classes) as [RequestClass, LatencySummary][]) {
      lines.push(`  ${cls.padEnd(18)} n=${s.count} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms`);
      const split = report.phases?.[cls];
      if (split !== undefined) lines.push(`  ${''.padEnd(18)} time in ${describePhases(split)}`);
    }
    const errors = Object.entries(report.errors).filter(([, n]) => n > 0);
    lines.push(`errors: ${errors.length === 0 ? 'none' : errors.map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (report.errorsByOrigin !== undefined) lines.push(`errors by origin: ${describeErrorsByOrigin(report.errorsByOrigin)}`);
    lines.push(`purchases: ${report.purchases.acknowledged} acknowledged, ${report.purchases.failed} failed, ${report.purchases.unknown} unknown; ${report.purchases.unitsSold} units sold`);
    if (report.server !== null) lines.push(`cache hit rate: ${report.server.cacheHitRate ?? 'n/a'}; database peak connections: ${Object.entries(report.server.dbMaxConnections).map(([n, v]) => `${n} ${v ?? 'n/a'}`).join(', ')}`);
  }
  lines.push(report.generator.trustworthy ? 'generator: trustworthy' : `generator: NOT trustworthy (exit 4):\n  ${report.generator.reasons.join('\n  ')}`);
  if (report.interrupted) lines.push('interrupted: the report holds what was sent until then');
  return lines.join('\n');
}

/** The search's outcome, and why the lowest failing rate failed. */
function describeCapacity(c: CapacityRecord): string[] {
  const failed = c.steps.find((s) => s.rate === c.failedAt);
  return [...capacitySentences(c), ...(failed === undefined ? [] : [`at ${failed.rate} req/s: ${failed.failures.join('; ')}`])];
}
