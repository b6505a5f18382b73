import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agentShare } from '../bench/agent.js';
import type { LoadResult } from '../bench/engine.js';
import { concatenateFiles } from '../bench/ledger.js';
import { mergeLoadParts } from '../bench/load-merge.js';
import type { LoadSettings } from '../bench/load-settings.js';
import { clientHitRate, type GeneratorCheck, type ResourceUsage } from '../bench/measurement.js';
import { checkGenerator } from '../bench/self-check.js';
import { UsageError } from '../errors.js';
import { readAgentPart, type AgentOnDisk } from './agent-part.js';
import { requireOneRun } from './agents-of-one-run.js';
import { buildReport, loadRecord, throughputOf } from './build-report.js';
import type { AgentSummary, BenchReport } from './model.js';
import { REPORT_FILES, writeReport } from './write.js';

/**
 * `report merge DIR… --out DIR`: the load agents' parts of one run as one report, which `verify`
 * judges like any other. Histograms are added bucket by bucket (exact), counts summed, seconds
 * aligned on the agreed start; the ledgers are joined. The merged run is trusted only if every
 * agent was and the agents together sent what was asked; each agent's own figures are kept in
 * `agents`. Everything is computed before the folder is made: a refused merge writes nothing.
 */
export async function mergeAgentRuns(dirs: readonly string[], outDir: string): Promise<{ report: BenchReport; dir: string }> {
  const agents = requireOneRun(dirs.map(readAgentPart));
  requireNewFolder(outDir, agents);
  const summaries = agents.map(summaryOf);
  const first = agents[0] as AgentOnDisk;
  const result = mergeLoadParts(agents.map((a) => a.part.parts));
  const load: LoadSettings = { ...first.part.load, workers: agents.reduce((sum, a) => sum + a.part.load.workers, 0) };
  const rate = clientHitRate(result.classes);
  const server = first.part.server === null ? null : { ...first.part.server, clientCacheHitRate: rate === null ? null : Math.round(rate * 10_000) / 10_000 };
  const generator = summedGenerator(agents.map((a) => a.part.resources.generator));
  const report = buildReport({
    runId: first.part.runId,
    // Agent 0's: the clock of the node figures it read, and the start of the audit's window.
    startedAt: first.part.startedAt,
    finishedAt: agents.map((a) => a.part.finishedAt).sort().at(-1) as string,
    interrupted: agents.some((a) => a.part.interrupted),
    topology: first.part.topology,
    lb: first.part.topology.lb,
    scenario: first.part.scenario,
    overrides: first.part.overrides,
    scenarioAsked: true,
    load,
    host: first.part.host,
    fileLimit: Math.min(...agents.map((a) => a.part.fileLimit)),
    calibration: null,
    scenarioRun: { result, server },
    resources: { nodes: first.part.resources.nodes, generator },
    faults: null,
  });
  const merged: BenchReport = { ...report, generator: combinedCheck(agents, load, result, generator.cpuMeanPct), agents: summaries };
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  await concatenateFiles(agents.map((a) => a.ledgerFile), join(dir, REPORT_FILES.ledger));
  writeReport(dir, merged);
  return { report: merged, dir };
}

/** `--out`: a new or empty folder that is none of the agents'. */
function requireNewFolder(outDir: string, agents: readonly AgentOnDisk[]): void {
  const dir = resolve(outDir);
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${outDir} is a file, not a folder; nothing was written`);
  const real = realpathSync(dir);
  const agent = agents.find((a) => realpathSync(a.dir) === real);
  if (agent !== undefined) throw new UsageError(`--out ${outDir} is agent ${agent.part.agent.index}'s own folder; the merged report goes into a folder of its own`);
  if (readdirSync(dir).length > 0) throw new UsageError(`--out ${outDir}: the folder is not empty; nothing was written`, ['choose a new folder for the merged report']);
}

/**
 * The merged self-check: every agent's reasons (each judged its share on its own machine: its
 * open files, connection errors, send lag, threads), then what only the whole can show — the
 * rate all of them sent and the connections all of them held — prefixed `all agents:`.
 */
function combinedCheck(agents: readonly AgentOnDisk[], load: LoadSettings, result: LoadResult, cpuMeanPct: number): GeneratorCheck {
  const together = { ...result, connectErrors: 0, sendLagP99: null, eventLoopUtilization: [], eventLoopDelayP99: [] };
  const whole = checkGenerator(load, together, Number.MAX_SAFE_INTEGER, cpuMeanPct);
  const reasons = [...agents.flatMap((a) => a.part.generator.reasons.map((r) => `agent ${a.part.agent.index}: ${r}`)), ...whole.reasons.map((r) => `all agents: ${r}`)];
  return {
    ...whole,
    trustworthy: reasons.length === 0,
    reasons,
    // The lowest of the agents' limits (each was checked against its own share).
    fileLimit: Math.min(...agents.map((a) => a.part.fileLimit)),
    connectErrors: result.connectErrors,
    sendLagP99: result.sendLagP99,
    eventLoopUtilization: result.eventLoopUtilization,
    eventLoopDelayP99: result.eventLoopDelayP99,
  };
}

/** The generators' use of their machines together: CPU shares and memory summed, no series (their clocks differ). */
function summedGenerator(usages: readonly ResourceUsage[]): ResourceUsage {
  const sum = (pick: (u: ResourceUsage) => number) => Math.round(usages.reduce((total, u) => total + pick(u), 0) * 10) / 10;
  return { pid: usages[0]?.pid ?? null, cpuMeanPct: sum((u) => u.cpuMeanPct), cpuMaxPct: sum((u) => u.cpuMaxPct), rssMaxBytes: sum((u) => u.rssMaxBytes), series: [] };
}

/** An agent's own figures, from its part alone (the same merge over one part); a part that does not decode exits 64 naming the folder. */
function summaryOf(agent: AgentOnDisk): AgentSummary {
  const { part } = agent;
  let own: LoadResult;
  try {
    own = mergeLoadParts([part.parts]);
  } catch (error) {
    throw new UsageError(`${agent.dir}/agent.json: its measurements cannot be read (${(error as Error).message}); nothing was written`);
  }
  return {
    index: part.agent.index,
    dir: agent.dir,
    hostname: part.host.hostname,
    cores: part.host.cores,
    startedAt: part.startedAt,
    finishedAt: part.finishedAt,
    load: loadRecord(agentShare(part.load, part.agent)),
    throughput: throughputOf(own),
    classes: own.classes,
    errors: Object.values(own.errors).reduce((a, b) => a + b, 0),
    purchases: own.purchases,
    trustworthy: part.generator.trustworthy,
    reasons: part.generator.reasons,
  };
}
