#!/usr/bin/env node
// Figures for the embedded service, measured side by side in one run on this machine:
//  - views per second, cache hit, through one app, next to a constant-answer node:http server
//    and a constant-answer Fastify server (the server-library choice), and next to the same app
//    with Server-Timing turned off (what the per-phase timing costs, issue #12: under 3 %);
//  - successful purchases per second on one hot product (flash sale) for each strategy,
//    through one app.
// Usage: node scripts/bench-service.mjs [--duration 10] [--connections 64] [--rounds 2]
// Needs wrk (apt-get install -y wrk) and a build (npm run build). Stands up its own topology
// on ports 19100-19106 under a temporary SHOPCTL_HOME and removes it at the end.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { ownTopology, requireWrk, ROOT } from './lib/own-topology.mjs';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '64' }, rounds: { type: 'string', default: '2' } } });
requireWrk();
const own = ownTopology('bench', 19100, (t) => (t.catalog.products = 1000));
const { topology, shopctl } = own;

const children = [];
try {
  const up = shopctl('up');
  if (up.status !== 0) throw new Error(`shopctl up failed:\n${up.stderr}`);
  const app = `http://127.0.0.1:${topology.nodes.app1.port}`;
  await insertHotProducts();
  await fetch(`${app}/products/42`).then((r) => r.arrayBuffer());

  const constantBody = JSON.stringify({ id: 42, name: 'Product 0042', priceCents: 53247, stock: 168, version: 0 });
  const nodeHttp = await startBaseline('node:http', 19190, `
    require('node:http').createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(${JSON.stringify(constantBody)}); })
      .listen(19190, '127.0.0.1', () => console.log('ready'));`);
  const fastify = await startBaseline('fastify', 19191, `
    const app = require(${JSON.stringify(join(ROOT, 'node_modules/fastify'))})();
    app.get('/products/:id', async () => (${constantBody}));
    app.listen({ port: 19191, host: '127.0.0.1' }).then(() => console.log('ready'));`);

  // Two more copies of app1 started alike, with and without Server-Timing: the difference is the header's alone.
  const timed = await startAppCopy(19192, true);
  const untimed = await startAppCopy(19193, false);
  for (const copy of [timed, untimed]) await fetch(`${copy}/products/42`).then((r) => r.arrayBuffer());

  const rows = [];
  // Alternated, round after round, so drift of the shared machine (other load, CPU credits) hits all alike.
  const views = { 'shopctl view (cache hit)': `${app}/products/42`, 'app copy, Server-Timing': `${timed}/products/42`, 'app copy, no Server-Timing': `${untimed}/products/42`, 'constant node:http': `${nodeHttp}/products/42`, 'constant fastify': `${fastify}/products/42` };
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [what, url] of Object.entries(views)) rows.push({ what, ...wrk(url, 'views.lua') });
  }
  const strategies = { seed: 900_001, atomic: 900_002, batched: 900_003 };
  for (const [strategy, product] of Object.entries(strategies)) {
    rows.push({ what: `purchase, hot product, ${strategy}`, ...wrk(`${app}/orders`, 'orders.lua', [strategy, String(product), Date.now().toString(36)]) });
  }
  report(rows);
} finally {
  for (const child of children) child.kill('SIGTERM');
  own.remove();
}

async function insertHotProducts() {
  const secrets = JSON.parse(readFileSync(join(own.home, 'bench/secrets.json'), 'utf8'));
  const c = await mysql.createConnection({ host: '127.0.0.1', port: topology.nodes['mysql-primary'].port, user: 'shopctl_admin', password: secrets.mysqlAdminPassword, database: 'shop' });
  await c.query("INSERT INTO products (id, name, price_cents, stock, initial_stock) VALUES (900001, 'hot seed', 100, 10000000, 10000000), (900002, 'hot atomic', 100, 10000000, 10000000), (900003, 'hot batched', 100, 10000000, 10000000)");
  await c.end();
}

/** app1's service config on another port, Server-Timing on or off, served by one more `shopctl serve`. */
async function startAppCopy(port, serverTiming) {
  const config = JSON.parse(readFileSync(join(own.home, 'bench/app1/service.json'), 'utf8'));
  const file = join(own.home, `app-copy-${port}.json`);
  writeFileSync(file, JSON.stringify({ ...config, node: `app1-copy-${port}`, port, workers: 1, serverTiming }), { mode: 0o600 });
  const child = spawn(process.execPath, [join(ROOT, 'bin/shopctl.js'), 'serve', '--config', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the app copy on port ${port} did not become ready in 10 s`);
}

async function startBaseline(name, port, code) {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', () => reject(new Error(`${name} baseline exited`)));
  });
  return `http://127.0.0.1:${port}`;
}

function wrk(url, script, args = []) {
  const result = spawnSync('wrk', ['-t1', `-c${values.connections}`, `-d${values.duration}s`, '--latency', '-s', join(ROOT, 'scripts/bench', script), url, ...(args.length ? ['--', ...args] : [])], { encoding: 'utf8' });
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`wrk gave no result for ${url}:\n${result.stdout}\n${result.stderr}`);
  }
}

function report(rows) {
  const rate = (row) => (row.created ?? row.requests - row.non2xx) / row.seconds;
  console.log(`host: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}; wrk -t1 -c${values.connections} -d${values.duration}s per line; wrk, nginx-less app and servers share the cores`);
  console.log('what                                  ok/s      p50 ms   p99 ms   errors/other');
  for (const row of rows) {
    const bad = (row.errors ?? 0) + (row.other ?? row.non2xx ?? 0);
    console.log(`${row.what.padEnd(36)}  ${rate(row).toFixed(0).padStart(7)}   ${row.p50.toFixed(2).padStart(6)}   ${row.p99.toFixed(2).padStart(6)}   ${bad}`);
  }
  const by = {};
  for (const row of rows) (by[row.what] ??= []).push(rate(row));
  for (const what of Object.keys(by)) by[what] = by[what].reduce((a, b) => a + b, 0) / by[what].length;
  console.log(`means of the rounds — views vs constant node:http: ${(by['shopctl view (cache hit)'] / by['constant node:http']).toFixed(2)}×; fastify vs node:http (constant): ${(by['constant fastify'] / by['constant node:http']).toFixed(2)}×`);
  // Paired by round (the two copies ran one after the other): the median ratio resists a noisy round.
  const pairs = rows.filter((r) => r.what === 'app copy, Server-Timing').map((r, i) => rate(r) / rate(rows.filter((u) => u.what === 'app copy, no Server-Timing')[i]));
  const sorted = [...pairs].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] / 2 + sorted[Math.ceil((sorted.length - 1) / 2)] / 2;
  console.log(`Server-Timing on the view path: median of ${pairs.length} paired rounds ${median.toFixed(3)}× the views/s without it (${((1 - median) * 100).toFixed(1)} % cost; rounds ${sorted.map((p) => p.toFixed(2)).join(', ')})`);
  console.log(`batched vs seed on one hot product: ${(by['purchase, hot product, batched'] / by['purchase, hot product, seed']).toFixed(1)}×; atomic vs seed: ${(by['purchase, hot product, atomic'] / by['purchase, hot product, seed']).toFixed(1)}×`);
}
