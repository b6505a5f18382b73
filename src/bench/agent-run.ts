import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { buildReport } from '../report/build-report.js';
import type { BenchReport } from '../report/model.js';
import { REPORT_FILES, writeReport } from '../report/write.js';
import { writeAgentPart } from '../report/agent-part.js';
import type { Scenario } from '../scenario/load.js';
import type { Topology } from '../topology/model.js';
import { agentKeyPrefix, agentShare, requireTimeBeforeStart, type AgentPlace } from './agent.js';
import { fileLimit, hostInfo } from './host-info.js';
import { loadSettings } from './load-settings.js';
import type { BenchListener } from './phases.js';
import { ResourceSampler } from './resource-sampler.js';
import { refuseTooFewFiles, sampledNodes, withoutGenerator, GENERATOR } from './run.js';
import { measureScenario, PhaseRunner } from './scenario-run.js';
import { benchTarget, type BenchTarget, type LoadTarget } from './target.js';

export interface AgentRunOptions {
  topology: Topology;
  scenario: Scenario;
  overrides: string[];
  place: AgentPlace;
  runId: string;
  /** The agent's own folder: agent.json, ledger.ndjson and its report. */
  outDir: string;
  /** `--target URL`: send there instead of the topology's load balancer; no node is looked at. */
  targetUrl: string | undefined;
  workers: number;
  listener: BenchListener;
  signal: AbortSignal;
}

/** The workers need a moment to start and connect before the agreed start. */
const READY_BEFORE_START_MS = 200;

/**
 * One load agent's run (`bench --agent I/N`): its share of the scenario from the agreed start,
 * then its part (`agent.json`, the mergeable measurements), its ledger, and a report of its share.
 * Agent 0 alone reads the servers' figures (connection peaks, the apps' counters) over the run:
 * the others only send, so no two reset the same counters.
 */
export async function runAgent(options: AgentRunOptions): Promise<{ report: BenchReport; dir: string }> {
  const { place } = options;
  const target = await loadTarget(options);
  const watched = 'running' in target && place.index === 0 ? target : null;
  const load = loadSettings(options.scenario.load, options.workers);
  const share = agentShare(load, place);
  const files = fileLimit();
  refuseTooFewFiles(files, share);
  requireEmptyFolder(options.outDir);
  requireTimeBeforeStart(place.startAtMs, READY_BEFORE_START_MS);
  const dir = options.outDir;
  mkdirSync(dir, { recursive: true });
  const startedAt = new Date().toISOString();
  const sampler = new ResourceSampler([...(watched === null ? [] : sampledNodes(watched)), { name: GENERATOR, pid: process.pid, group: false }]);
  // Sampled from the agreed start: the wait before it would dilute every CPU mean.
  const sampling = setTimeout(() => sampler.start(), Math.max(0, place.startAtMs - Date.now()));
  let run;
  try {
    const phases = new PhaseRunner(options.listener, options.signal, sampler);
    run = await measureScenario(phases, target, load, options.scenario, agentKeyPrefix(options.runId, place.index), join(dir, REPORT_FILES.ledger), { watched, agent: place });
  } catch (error) {
    clearTimeout(sampling);
    sampler.stop();
    // Refused before anything was sent (the start passed meanwhile): leave no empty part behind.
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
    throw error;
  }
  clearTimeout(sampling);
  const resources = withoutGenerator(sampler.stop());
  const pieces = {
    runId: options.runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: options.signal.aborted,
    topology: options.topology,
    lb: target.origin,
    scenario: options.scenario,
    overrides: options.overrides,
    scenarioAsked: true,
    load: share,
    host: hostInfo(),
    fileLimit: files,
    calibration: null,
    scenarioRun: run,
    resources,
    faults: null,
  };
  const report = buildReport(pieces);
  writeReport(dir, report);
  writeAgentPart(dir, { place, load, report, pieces, parts: requireParts(run.result.parts) });
  return { report, dir };
}

async function loadTarget(options: AgentRunOptions): Promise<LoadTarget | BenchTarget> {
  if (options.targetUrl === undefined) return benchTarget(options.topology);
  return { topology: options.topology, origin: options.targetUrl.replace(/\/$/, '') };
}

/** The agent's folder must be new, or empty, so no earlier part is mixed into this one. */
function requireEmptyFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is a file; an agent writes its part into a folder of its own`);
  if (readdirSync(dir).length > 0) {
    throw new UsageError(`--out ${dir}: the folder is not empty; an agent writes its part into a folder of its own`, ['give each agent and each run a new folder']);
  }
}


function requireParts<T>(parts: T | undefined): T {
  // The engine returns parts whenever the plan has an agent: their absence is a bug.
  if (parts === undefined) throw new Error('the load engine returned no mergeable parts for an agent run');
  return parts;
}
