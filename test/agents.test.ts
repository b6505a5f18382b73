import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { latencyHistogram, mergeEncoded, summarize } from '../src/bench/histograms.js';
import type { RequestClass } from '../src/bench/measurement.js';
import type { LedgerEntry } from '../src/bench/ledger.js';
import type { BenchReport } from '../src/report/model.js';
import type { AgentPart } from '../src/report/agent-part.js';
import { shopctl } from './support/cli.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

// Ports 27800–27806.
const topo = testTopology('e2e-agents', 27800, (t) => {
  t.catalog.products = 500;
});
const topology = runningTopology(topo);
const run = topology.run;
/** `report merge` reads folders only: no topology flag. */
const merge = (...args: string[]) => shopctl(topo.home, ['report', 'merge', ...args]);
const at = (dir: string) => join(topo.home, dir);
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as BenchReport;
const ledgerLines = (dir: string) => readFileSync(join(dir, 'ledger.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LedgerEntry);

/** The same open-model load for the agents together and for one process: 300 requests/s, 1 s + 4 s. */
const LOAD = ['-s', 'smoke', '--rate', '300', '--connections', '60', '--warmup', '1s', '--duration', '4s'];
const AGENTS = 3;
/** Time for three CLI processes to start and check the topology before the agreed start. */
const LEAD_MS = 8000;

describe('load agents: bench --agent I/N and report merge', () => {
  const agentDirs = Array.from({ length: AGENTS }, (_, i) => at(`agents/agent-${i}`));
  let merged: BenchReport;
  let agentReports: BenchReport[];

  beforeAll(async () => {
    const startAt = new Date(Date.now() + LEAD_MS).toISOString();
    const runs = await Promise.all(agentDirs.map((dir, i) => run('bench', ...LOAD, '--agent', `${i}/${AGENTS}`, '--start-at', startAt, '--out', dir)));
    runs.forEach((r, i) => expect(r.code, `agent ${i}: ${r.stderr}`).toBe(0));
    agentReports = agentDirs.map(readReport);
    const merging = await merge(...agentDirs, '--out', at('merged'), '--json');
    expect(merging.code, merging.stderr).toBe(0);
    merged = JSON.parse(merging.stdout) as BenchReport;
  }, 120_000);

  it('the merged counts are the sums of the agents\', and its percentiles those of one histogram of all their samples', () => {
    expect(merged.runId).toBe(agentReports[0]?.runId);
    expect(merged.agents?.map((a) => a.index)).toEqual([0, 1, 2]);
    const sum = (pick: (r: BenchReport) => number) => agentReports.reduce((total, r) => total + pick(r), 0);
    expect(merged.throughput.requests).toBe(sum((r) => r.throughput.requests));
    for (const key of ['attempted', 'acknowledged', 'failed', 'unknown', 'unitsSold'] as const) expect(merged.purchases[key], key).toBe(sum((r) => r.purchases[key]));
    for (const kind of Object.keys(merged.errors)) expect(merged.errors[kind as keyof BenchReport['errors']], kind).toBe(sum((r) => r.errors[kind as keyof BenchReport['errors']]));
    const classes = new Set(agentReports.flatMap((r) => Object.keys(r.classes)));
    expect(new Set(Object.keys(merged.classes))).toEqual(classes);
    for (const cls of classes as Set<RequestClass>) {
      // One histogram of every agent's samples, from the agents' own reports (not their parts).
      let all = latencyHistogram();
      for (const r of agentReports) {
        const encoded = r.histograms[cls];
        if (encoded !== undefined) all = mergeEncoded(all, encoded, latencyHistogram);
      }
      expect(merged.classes[cls], cls).toEqual(summarize(all));
      expect(merged.classes[cls]?.count).toBe(sum((r) => r.classes[cls]?.count ?? 0));
    }
    // The seconds line up on the agreed start: each second's answers are the agents' together.
    for (const second of merged.series) {
      expect(second.rps, `second ${second.t}`).toBe(sum((r) => r.series.find((s) => s.t === second.t)?.rps ?? 0));
    }
    // Each agent ran a third of the rate, and they sent it together.
    for (const r of agentReports) expect(r.load?.rate).toBe(100);
    expect(merged.load).toMatchObject({ model: 'open', rate: 300, connections: 60 });
    expect(merged.generator.trustworthy, merged.generator.reasons.join('; ')).toBe(true);
  });

  it('the ledgers are joined, keys unique across agents, and verify passes on the merged report', async () => {
    const ledger = ledgerLines(at('merged'));
    expect(ledger.length).toBe(merged.purchases.attempted);
    expect(new Set(ledger.map((e) => e.key)).size).toBe(ledger.length);
    for (let i = 0; i < AGENTS; i++) expect(ledger.some((e) => e.key.startsWith(`${merged.runId}-a${i}-`)), `agent ${i}'s keys`).toBe(true);
    const verify = await run('verify', '--report', at('merged'), '--json');
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);

  it('the merged throughput is within 10 % of one process driving the same load', async () => {
    const one = await run('bench', ...LOAD, '--out', at('one'), '--json');
    expect(one.code, one.stderr).toBe(0);
    const single = JSON.parse(one.stdout) as BenchReport;
    const p99 = (r: BenchReport) => Object.entries(r.classes).map(([c, x]) => `${c} ${x.p99}`).join(', ');
    console.log(`agents: 3 merged ${merged.throughput.rps} req/s (p99 ${p99(merged)}); one process ${single.throughput.rps} req/s (p99 ${p99(single)})`);
    expect(Math.abs(merged.throughput.rps - single.throughput.rps) / single.throughput.rps).toBeLessThan(0.1);
  }, 60_000);

  it('closed model: the agents split the connections and together hold all of them', async () => {
    const startAt = new Date(Date.now() + LEAD_MS).toISOString();
    const dirs = [at('closed/agent-0'), at('closed/agent-1')];
    const runs = await Promise.all(dirs.map((dir, i) => run('bench', '-s', 'smoke', '--connections', '31', '--warmup', '1s', '--duration', '3s', '--agent', `${i}/2`, '--start-at', startAt, '--out', dir)));
    runs.forEach((r, i) => expect(r.code, `agent ${i}: ${r.stderr}`).toBe(0));
    expect(dirs.map((d) => readReport(d).generator.connectionsPeak)).toEqual([16, 15]);
    const merging = await merge(...dirs, '--out', at('closed/merged'), '--json');
    expect(merging.code, merging.stderr).toBe(0);
    const report = JSON.parse(merging.stdout) as BenchReport;
    expect(report.load).toMatchObject({ model: 'closed', connections: 31 });
    expect(report.generator).toMatchObject({ trustworthy: true, connectionsAsked: 31, connectionsPeak: 31 });
  }, 60_000);

  it('--target: an agent that only sends (as in a cluster) reads no node, and verify judges the cache by X-Cache', async () => {
    const startAt = new Date(Date.now() + LEAD_MS / 2).toISOString();
    const dir = at('target/agent-0');
    const agent = await run('bench', '-s', 'smoke', '--connections', '10', '--warmup', '1s', '--duration', '2s', '--agent', '0/1', '--start-at', startAt, '--run-id', 'target-run', '--target', `http://127.0.0.1:${topo.ports.lb}`, '--out', dir);
    expect(agent.code, agent.stderr).toBe(0);
    const own = readReport(dir);
    expect(own).toMatchObject({ server: null, topology: { lb: `http://127.0.0.1:${topo.ports.lb}` } });
    expect(own.runId).toMatch(/^\d{8}-\d{6}-target-run$/);
    expect(own.resources.nodes).toEqual({});
    const merging = await merge(dir, '--out', at('target/merged'));
    expect(merging.code, merging.stderr).toBe(0);
    const verify = await run('verify', '--report', at('target/merged'), '--json');
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toContain("the client's X-Cache");
  }, 60_000);

  it('a missing agent, or an agent of another run, scenario or seed, exits 64 naming it', async () => {
    const missing = await merge(agentDirs[0] as string, agentDirs[1] as string, '--out', at('bad-1'));
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain('missing: agent 2');

    const twice = await merge(agentDirs[0] as string, agentDirs[1] as string, agentDirs[1] as string, '--out', at('bad-2'));
    expect(twice.code).toBe(64);
    expect(twice.stderr).toContain('agent 1 is given twice');

    const forged = (name: string, edit: (part: AgentPart) => void) => {
      const dir = at(`forged-${name}`);
      cpSync(agentDirs[2] as string, dir, { recursive: true });
      const part = JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as AgentPart;
      edit(part);
      writeFileSync(join(dir, 'agent.json'), JSON.stringify(part));
      return dir;
    };
    const cases: [string, (p: AgentPart) => void, string][] = [
      ['run', (p) => (p.runId = 'another-run'), 'run id another-run'],
      ['scenario', (p) => (p.scenario.name = 'seed'), 'scenario seed'],
      ['seed', (p) => (p.scenario.seed = 7), 'scenario seed 7'],
    ];
    for (const [name, edit, said] of cases) {
      const dir = forged(name, edit);
      const result = await merge(agentDirs[0] as string, agentDirs[1] as string, dir, '--out', at(`bad-${name}`));
      expect(result.code, name).toBe(64);
      expect(result.stderr, name).toContain(dir);
      expect(result.stderr, name).toContain(said);
    }
    const notAgent = await merge(agentDirs[0] as string, at('merged'), '--out', at('bad-3'));
    expect(notAgent.code).toBe(64);
    expect(notAgent.stderr).toContain('is not a load agent');
  }, 60_000);

  it('bad agent flags exit 64 before anything is sent', async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const cases: [string[], string][] = [
      [['--agent', '3/3', '--start-at', soon, '--out', at('x')], 'must be below 3'],
      [['--agent', '0/3', '--out', at('x')], '--agent needs --start-at'],
      [['--agent', '0/3', '--start-at', '2020-01-01T00:00:00Z', '--out', at('x')], 'has passed'],
      [['--agent', '0/3', '--start-at', '2030-01-01 10:00', '--out', at('x')], 'ISO 8601'],
      [['--start-at', soon], "a load agent's flag"],
      [['--agent', '0/2', '--start-at', soon, '--out', at('y'), '--fault', 'at=1s kill app1'], '--fault cannot run with --agent'],
      [['--agent', '0/2', '--start-at', soon, '--out', at('y'), '--run-id', 'Nightly_1'], 'lowercase letters, digits and dashes'],
      [['--agent', '0/2', '--start-at', new Date(Date.now() + 2 * 86_400_000).toISOString(), '--out', at('y')], 'more than 24 hours ahead'],
    ];
    for (const [args, said] of cases) {
      const result = await run('bench', '-s', 'smoke', ...args);
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stderr, args.join(' ')).toContain(said);
    }
  }, 60_000);
});
