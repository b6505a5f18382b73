import { existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { agentShare } from '../bench/agent.js';
import type { LoadResult } from '../bench/engine.js';
import { concatenateFiles } from '../bench/ledger.js';
import { mergeLoadParts } from '../bench/load-merge.js';
import type { LoadSettings } from '../bench/load-settings.js';
import type { GeneratorCheck, ResourceUsage } from '../bench/measurement.js';
import { checkGenerator } from '../bench/self-check.js';
import { clientHitRate } from '../bench/scenario-run.js';
import { UsageError } from '../errors.js';
import { readAgentPart, type AgentOnDisk } from './agent-part.js';
import { buildReport, loadRecord } from './build-report.js';
import type { AgentSummary, BenchReport } from './model.js';
import { REPORT_FILES, writeReport } from './write.js';
import { requireOneRun } from './agents-of-one-run.js';

/**
 * `report merge DIR… --out DIR`: the load agents' parts of one run as one report, which `verify`
 * judges like any other. Histograms are added bucket by bucket (exact), counts summed, seconds
 * aligned on the agreed start; the ledgers are joined. The merged run is trusted only if every
 * agent was and the agents together sent what was asked; each agent's own figures are kept in
 * `agents`.
 */
export async function mergeAgentRuns(dirs: readonly string[], outDir: string): Promise<{ report: BenchReport; dir: string }> {
  const agents = requireOneRun(dirs.map(readAgentPart));
  const dir = createMergeDir(outDir, agents);
  const first = agents[0] as AgentOnDisk;
  const result = mergeLoadParts(agents.map((a) => a.part.parts));
  const load: LoadSettings = { ...first.part.load, workers: agents.reduce((sum, a) => sum + a.part.load.workers, 0) };
  const server = first.part.server === null ? null : { ...first.part.server, clientCacheHitRate: clientHitRate(result.classes) };
  const fileLimit = agents.reduce((sum, a) => sum + a.part.fileLimit, 0);
  const generator = summedGenerator(agents.map((a) => a.part.resources.generator));
  const report = buildReport({
    runId: first.part.runId,
    startedAt: agents.map((a) => a.part.startedAt).sort()[0] as string,
    finishedAt: agents.map((a) => a.part.finishedAt).sort().at(-1) as string,
    interrupted: agents.some((a) => a.part.interrupted),
    topology: first.part.topology,
    lb: first.part.topology.lb,
    scenario: first.part.scenario,
    overrides: first.part.overrides,
    scenarioAsked: true,
    load,
    host: first.part.host,
    fileLimit,
    calibration: null,
    scenarioRun: { result, server },
    resources: { nodes: first.part.resources.nodes, generator },
    faults: null,
  });
  const merged: BenchReport = { ...report, generator: combinedCheck(agents, load, result, fileLimit, generator.cpuMeanPct), agents: agents.map(summaryOf) };
  await concatenateFiles(agents.map((a) => a.ledgerFile), join(dir, REPORT_FILES.ledger));
  writeReport(dir, merged);
  return { report: merged, dir };
}

/** A new or empty folder that is none of the agents'. */
function createMergeDir(outDir: string, agents: readonly AgentOnDisk[]): string {
  const dir = resolve(outDir);
  if (existsSync(dir)) {
    const real = realpathSync(dir);
    const agent = agents.find((a) => realpathSync(a.dir) === real);
    if (agent !== undefined) throw new UsageError(`--out ${outDir} is agent ${agent.part.agent.index}'s own folder; the merged report goes into a folder of its own`);
    if (readdirSync(dir).length > 0) throw new UsageError(`--out ${outDir}: the folder is not empty; nothing was written`, ['choose a new folder for the merged report']);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The merged self-check: every agent's reasons (each judged its share on its own machine), then
 * the reasons of the whole — the rate all of them sent, the connections all of them held.
 * Threads were judged by each agent: the whole's list of worker threads is not judged again.
 */
function combinedCheck(agents: readonly AgentOnDisk[], load: LoadSettings, result: LoadResult, fileLimit: number, cpuMeanPct: number): GeneratorCheck {
  const whole = checkGenerator(load, { ...result, eventLoopUtilization: [], eventLoopDelayP99: [] }, fileLimit, cpuMeanPct);
  const reasons = [...agents.flatMap((a) => a.part.generator.reasons.map((r) => `agent ${a.part.agent.index}: ${r}`)), ...whole.reasons.map((r) => `all agents: ${r}`)];
  return {
    ...whole,
    trustworthy: reasons.length === 0,
    reasons,
    eventLoopUtilization: result.eventLoopUtilization,
    eventLoopDelayP99: result.eventLoopDelayP99,
  };
}

/** The generators' use of their machines together: CPU shares and memory summed, no series (their clocks differ). */
function summedGenerator(usages: readonly ResourceUsage[]): ResourceUsage {
  const sum = (pick: (u: ResourceUsage) => number) => Math.round(usages.reduce((total, u) => total + pick(u), 0) * 10) / 10;
  return { pid: usages[0]?.pid ?? null, cpuMeanPct: sum((u) => u.cpuMeanPct), cpuMaxPct: sum((u) => u.cpuMaxPct), rssMaxBytes: sum((u) => u.rssMaxBytes), series: [] };
}

/** An agent's own figures, from its parts alone (the same merge over one part). */
function summaryOf(agent: AgentOnDisk): AgentSummary {
  const { part } = agent;
  const own = mergeLoadParts([part.parts]);
  const measuredS = own.measuredS;
  return {
    index: part.agent.index,
    dir: agent.dir,
    hostname: part.host.hostname,
    cores: part.host.cores,
    startedAt: part.startedAt,
    finishedAt: part.finishedAt,
    load: loadRecord(agentShare(part.load, part.agent)),
    throughput: { rps: measuredS > 0 ? Math.round((own.measuredCompleted / measuredS) * 10) / 10 : 0, requests: own.measuredCompleted, measuredS },
    classes: own.classes,
    errors: Object.values(own.errors).reduce((a, b) => a + b, 0),
    purchases: own.purchases,
    trustworthy: part.generator.trustworthy,
    reasons: part.generator.reasons,
  };
}
