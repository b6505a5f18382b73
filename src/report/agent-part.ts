import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { AgentPlace } from '../bench/agent.js';
import type { LoadParts } from '../bench/load-merge.js';
import type { LoadSettings } from '../bench/load-settings.js';
import type { GeneratorCheck, HostInfo, ResourceUsage, ServerFigures } from '../bench/measurement.js';
import { loadJsonFile } from '../config-file/load-json-file.js';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../provision/atomic-write.js';
import type { Scenario } from '../scenario/load.js';
import type { BenchPieces } from './build-report.js';
import type { BenchReport, TopologyRecord } from './model.js';

export const AGENT_SCHEMA = 'shopctl.bench-agent/1';
export const AGENT_FILE = 'agent.json';

/**
 * A load agent's part (`<agent dir>/agent.json`, docs/report.md): who it was in which run, the
 * scenario as it ran, and its measurements in the form `report merge` adds exactly (`parts`).
 * Its own report of its share (report.json) and its ledger (ledger.ndjson) lie beside it.
 */
export interface AgentPart {
  schema: typeof AGENT_SCHEMA;
  runId: string;
  agent: { index: number; count: number };
  /** The agreed start, ISO 8601. */
  startAt: string;
  /** The scenario as it ran (overrides applied), and a digest of what decides its load. */
  scenario: Scenario;
  scenarioDigest: string;
  overrides: string[];
  topology: TopologyRecord;
  /** The whole run's load (every agent's together); `workers`: this agent's threads. */
  load: LoadSettings;
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  host: HostInfo;
  fileLimit: number;
  resources: { nodes: Record<string, ResourceUsage>; generator: ResourceUsage };
  /** Agent 0's reading of the servers over the run; null for the others, and with `--target`. */
  server: ServerFigures | null;
  /** This agent's self-check, judged on its share of the load. */
  generator: GeneratorCheck;
  parts: LoadParts;
}

/** What decides the requests a scenario sends: two agents with different digests did not run the same load. */
export function scenarioDigest(scenario: Scenario): string {
  const { name, mix, popularity, quantity, strategy, products, seed, load, thresholds } = scenario;
  return createHash('sha256').update(JSON.stringify({ name, mix, popularity, quantity, strategy, products, seed, load, thresholds })).digest('hex').slice(0, 16);
}

export function writeAgentPart(dir: string, part: { place: AgentPlace; load: LoadSettings; report: BenchReport; pieces: BenchPieces; parts: LoadParts }): void {
  const { place, report, pieces } = part;
  const document: AgentPart = {
    schema: AGENT_SCHEMA,
    runId: report.runId,
    agent: { index: place.index, count: place.count },
    startAt: new Date(place.startAtMs).toISOString(),
    scenario: pieces.scenario,
    scenarioDigest: scenarioDigest(pieces.scenario),
    overrides: pieces.overrides,
    topology: report.topology,
    load: part.load,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    interrupted: report.interrupted,
    host: report.host,
    fileLimit: pieces.fileLimit,
    resources: pieces.resources,
    server: report.server,
    generator: report.generator,
    parts: part.parts,
  };
  writeFileAtomic(join(dir, AGENT_FILE), `${JSON.stringify(document)}\n`);
}

const loose = z.looseObject;
/** What a merge relies on, checked before anything is added (64 naming the file and the key otherwise). */
const agentShape = loose({
  schema: z.literal(AGENT_SCHEMA),
  runId: z.string().min(1),
  agent: z.strictObject({ index: z.number().int().min(0), count: z.number().int().min(1) }),
  startAt: z.iso.datetime(),
  scenario: loose({ name: z.string(), file: z.string(), seed: z.number(), load: loose({}), thresholds: z.record(z.string(), z.array(z.string())) }),
  scenarioDigest: z.string(),
  topology: loose({ name: z.string(), file: z.string(), lb: z.string() }),
  load: loose({ model: z.enum(['closed', 'open']), connections: z.number(), durationMs: z.number(), warmupMs: z.number(), timeoutMs: z.number(), workers: z.number() }),
  generator: loose({ trustworthy: z.boolean(), reasons: z.array(z.string()) }),
  resources: loose({ nodes: z.record(z.string(), loose({})), generator: loose({ cpuMeanPct: z.number() }) }),
  parts: loose({
    spans: loose({ startAt: z.number(), measuredS: z.number(), endMs: z.number() }),
    warmupMs: z.number(),
    interrupted: z.boolean(),
    seconds: z.array(loose({ t: z.number(), classes: z.record(z.string(), z.string()) })),
    connections: z.array(loose({ t: z.number(), worker: z.number(), connected: z.number() })),
    availability: loose({ ticks: z.array(loose({ t: z.number() })) }),
    dones: z.array(loose({ histograms: z.record(z.string(), z.string()), tally: loose({}) })),
  }),
});

export interface AgentOnDisk {
  dir: string;
  part: AgentPart;
  ledgerFile: string;
}

/** An agent's folder as `report merge` reads it: agent.json validated, its ledger present. */
export function readAgentPart(dirOption: string): AgentOnDisk {
  const dir = resolve(dirOption);
  const file = join(dir, AGENT_FILE);
  if (!existsSync(file)) throw new UsageError(`${dir} is not a load agent's folder: no ${AGENT_FILE} in it`, ['name the folders that bench --agent I/N --out DIR wrote']);
  // The shape is checked; the rest is what writeAgentPart wrote.
  const part = loadJsonFile(file, agentShape, 'load agent part') as unknown as AgentPart;
  const ledgerFile = join(dir, 'ledger.ndjson');
  if (!existsSync(ledgerFile)) throw new UsageError(`${ledgerFile} is missing: agent ${part.agent.index}'s purchases could not be audited`);
  return { dir, part, ledgerFile };
}
