#!/usr/bin/env node
// The docker driver next to the process runtime on this machine, for issue #6's figures:
// image build time, `up` wall time (images present) and the smoke bench's requests/s, each
// runtime in turn, alternating which goes first per round (the shared machine drifts).
// Usage (an engine must answer at DOCKER_HOST; none here: start a private one first):
//   eval "$(scripts/docker/private-dockerd.sh start /tmp/shopctl-dockerd)"
//   node scripts/measure-docker.mjs [--rounds 2] [--rebuild]
// --rebuild removes the shopctl/* node images first, so the build is timed from the cached
// Debian root filesystem (delete ~/.cache/shopctl to time debootstrap too).
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ownTopology } from './lib/own-topology.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, rebuild: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);

if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
  console.error(`no Docker engine answers at DOCKER_HOST=${process.env.DOCKER_HOST ?? '(unset)'}; start one:`);
  console.error('  eval "$(scripts/docker/private-dockerd.sh start /tmp/shopctl-dockerd)"');
  process.exit(3);
}

function seconds(started) {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function must(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}\n${result.stderr}`);
  return result;
}

if (values.rebuild) {
  const images = ['shopctl/nginx:12', 'shopctl/redis:12', 'shopctl/mariadb:12', 'shopctl/node:20', 'shopctl/debian:12'];
  spawnSync('docker', ['image', 'rm', '-f', ...images], { stdio: 'ignore' });
}
const buildStarted = process.hrtime.bigint();
must(spawnSync('bash', [join(ROOT, 'scripts/docker/build-images.sh')], { encoding: 'utf8' }), 'build-images.sh');
const buildS = seconds(buildStarted);

const runtimes = {
  processes: { driver: 'local', topology: ownTopology('measure-proc', 30100, (t) => (t.catalog.products = 10000)) },
  containers: { driver: 'docker', topology: ownTopology('measure-docker', 30200, (t) => (t.catalog.products = 10000), join(ROOT, 'topology/docker-local.yaml')) },
};
const samples = Object.fromEntries(Object.keys(runtimes).map((k) => [k, { up: [], rps: [] }]));

function measure(name) {
  const { driver, topology } = runtimes[name];
  const upStarted = process.hrtime.bigint();
  must(topology.shopctl('up', '--driver', driver), `${name}: up`);
  samples[name].up.push(seconds(upStarted));
  const bench = must(topology.shopctl('bench', '-s', 'smoke', '--out', join(topology.home, 'reports'), '--json'), `${name}: bench`);
  samples[name].rps.push(JSON.parse(bench.stdout).throughput.rps);
  must(topology.shopctl('down', '--purge'), `${name}: down`);
}

try {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['processes', 'containers'] : ['containers', 'processes'];
    for (const name of order) measure(name);
  }
} finally {
  for (const { topology } of Object.values(runtimes)) topology.remove();
}

console.log(`host: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; engine ${process.env.DOCKER_HOST ?? 'default'}`);
console.log(`image build (build-images.sh${values.rebuild ? ', images removed first' : ', images present'}): ${buildS.toFixed(1)} s`);
console.log('runtime      up (s, each round)     smoke bench (requests/s, each round)');
for (const [name, s] of Object.entries(samples)) {
  console.log(`${name.padEnd(11)}  ${s.up.map((x) => x.toFixed(1)).join(', ').padEnd(21)}  ${s.rps.map((x) => Math.round(x)).join(', ')}`);
}
