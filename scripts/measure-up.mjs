#!/usr/bin/env node
// Wall time of `shopctl up` from nothing (cold), `up` when already up (warm) and `down`,
// measured over several rounds on this machine. Usage:
//   node scripts/measure-up.mjs [--rounds 5] [-t topology.yaml]
// Uses its own SHOPCTL_HOME under /tmp and removes it at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, topology: { type: 'string', short: 't' } } });
const rounds = Number(values.rounds);
const home = mkdtempSync(join(tmpdir(), 'shopctl-measure-'));
const launcher = new URL('../bin/shopctl.js', import.meta.url).pathname;
const topologyArgs = values.topology ? ['-t', values.topology] : [];

function timed(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [launcher, ...args, ...topologyArgs], { env: { ...process.env, SHOPCTL_HOME: home, CI: '1' }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`shopctl ${args.join(' ')} exited ${result.status}\n${result.stderr}`);
  return ms;
}

const samples = { 'cold up': [], 'warm up': [], down: [] };
try {
  for (let i = 0; i < rounds; i++) {
    samples['cold up'].push(timed(['up']));
    samples['warm up'].push(timed(['up']));
    samples.down.push(timed(['down', '--purge']));
  }
} finally {
  spawnSync(process.execPath, [launcher, 'down', '--purge', ...topologyArgs], { env: { ...process.env, SHOPCTL_HOME: home } });
  rmSync(home, { recursive: true, force: true });
}

const fmt = (ms) => `${(ms / 1000).toFixed(2)}s`;
console.log(`host: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; ${rounds} rounds`);
console.log('what       min      median   max');
for (const [what, list] of Object.entries(samples)) {
  const sorted = [...list].sort((a, b) => a - b);
  console.log(`${what.padEnd(9)}  ${fmt(sorted[0]).padEnd(7)}  ${fmt(sorted[Math.floor(sorted.length / 2)]).padEnd(7)}  ${fmt(sorted.at(-1))}`);
}
