#!/usr/bin/env node
// Figures for `shopctl bench`, measured side by side on one topology on this machine:
//  - the generator's efficiency: wrk, autocannon and `shopctl bench --calibrate`, each with
//    6000 connections on GET /healthz through the LB, alternated over two rounds (the shared
//    machine drifts); the goal is ceiling.rps >= 0.8 x wrk's requests/s;
//  - the seed scenario (6000 connections, 80 % views / 20 % purchases) per strategy: connections
//    achieved, connect errors, requests/s, per-class p50/p99, the self-check.
// Usage: node scripts/bench-generator.mjs [--duration 10] [--seed-duration 30] [--strategies seed,batched]
// Needs wrk (apt-get install -y wrk) and a build (npm run build). Stands up its own topology on
// ports 19300-19306 under a temporary SHOPCTL_HOME and removes it at the end.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ownTopology, requireWrk, ROOT } from './lib/own-topology.mjs';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, 'seed-duration': { type: 'string', default: '30' }, strategies: { type: 'string', default: 'seed,batched' } },
});
const CONNECTIONS = 6000;
requireWrk();
const own = ownTopology('bench-gen', 19300);
const { home, topology } = own;
const shopctl = (...args) => own.shopctl(...args, ...(args[0] === 'bench' ? ['--out', join(home, 'reports'), '--json'] : []));
const healthz = `http://127.0.0.1:${topology.nodes.lb.port}/healthz`;

try {
  const up = shopctl('up');
  if (up.status !== 0) throw new Error(`shopctl up failed:\n${up.stderr}`);
  const rows = [];
  for (let round = 1; round <= 2; round++) {
    rows.push({ round, tool: 'wrk -t2', ...wrk() });
    rows.push({ round, tool: 'autocannon -w2', ...autocannon() });
    rows.push({ round, tool: 'shopctl bench --calibrate', ...calibrate() });
  }
  console.log(`\nGET /healthz through nginx, ${CONNECTIONS} connections, ${values.duration} s each (2 cores shared by generator and servers):`);
  console.table(rows);
  for (let round = 1; round <= 2; round++) {
    const at = (tool) => rows.find((r) => r.round === round && r.tool === tool)?.rps ?? NaN;
    console.log(`round ${round}: ceiling.rps / wrk = ${(at('shopctl bench --calibrate') / at('wrk -t2')).toFixed(2)}, autocannon / wrk = ${(at('autocannon -w2') / at('wrk -t2')).toFixed(2)}`);
  }
  for (const strategy of values.strategies.split(',')) seed(strategy);
} finally {
  own.remove();
}

function wrk() {
  const run = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${values.duration}s`, '--timeout', '10s', healthz], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1]);
  const errors = /Socket errors: (.*)/.exec(run.stdout)?.[1] ?? 'none';
  return { rps: Math.round(rps), p50: '', errors };
}

function autocannon() {
  const bin = join(ROOT, 'node_modules/.bin/autocannon');
  const run = spawnSync(bin, ['-c', String(CONNECTIONS), '-d', values.duration, '-w', '2', '-t', '10', '-j', healthz], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  try {
    const result = JSON.parse(run.stdout);
    return { rps: Math.round(result.requests.total / result.duration), p50: result.latency.p50, errors: `errors ${result.errors}, timeouts ${result.timeouts}` };
  } catch {
    return { rps: NaN, p50: '', errors: `autocannon failed: ${run.stderr.slice(0, 200)}` };
  }
}

function calibrate() {
  const run = shopctl('bench', '--calibrate', '--connections', String(CONNECTIONS), '--duration', `${values.duration}s`, '--warmup', '3s');
  const report = JSON.parse(run.stdout);
  const g = report.generator;
  return { rps: report.ceiling.rps, p50: report.ceiling.latency.p50, errors: `exit ${run.status}; workers busy ${g.eventLoopUtilization.join('/')}, cpu ${g.cpuMeanPct} %` };
}

function seed(strategy) {
  const run = shopctl('bench', '-s', 'seed', '--strategy', strategy, '--duration', `${values['seed-duration']}s`, '--warmup', '10s');
  const r = JSON.parse(run.stdout);
  const g = r.generator;
  console.log(`\nseed scenario, strategy ${strategy}: exit ${run.status}, connections ${g.connectionsPeak}/${g.connectionsAsked}, connect errors ${g.connectErrors}, ${r.throughput.rps} requests/s over ${r.throughput.measuredS} s`);
  console.table(Object.fromEntries(Object.entries(r.classes).map(([cls, s]) => [cls, { count: s.count, p50: s.p50, p99: s.p99, max: s.max }])));
  const errors = Object.entries(r.errors).filter(([, n]) => n > 0);
  console.log(`errors: ${errors.length ? errors.map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}; cache hit rate ${r.server?.cacheHitRate}; db peak connections ${JSON.stringify(r.server?.dbMaxConnections)}; units sold ${r.purchases.unitsSold}`);
  console.log(`generator: ${g.trustworthy ? 'trustworthy' : `NOT trustworthy: ${g.reasons.join('; ')}`}; workers busy ${g.eventLoopUtilization.join('/')}, generator cpu ${g.cpuMeanPct} %`);
  console.log(`cpu mean % per node: ${Object.entries(r.resources.nodes).map(([n, u]) => `${n} ${u.cpuMeanPct}`).join(', ')}`);
}
