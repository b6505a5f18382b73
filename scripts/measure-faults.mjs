#!/usr/bin/env node
// Recovery after `kill -9` and restart of each node kind, and the availability of views and
// purchases while each was down (issue #13). For every node: one open-model bench with the
// fault `at=5s restart NODE` (SIGKILL of its process group, then started again through up's own
// steps and waited for), then verify's invariants. Prints one table.
// Usage: node scripts/measure-faults.mjs [--rate 300] [--strategy seed] [--nodes lb,app1,...]
// Needs a build (npm run build) and root (nodes run in cgroups). Stands up its own topology on
// ports 19500-19506 under a temporary SHOPCTL_HOME and removes it at the end.
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ownTopology } from './lib/own-topology.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    strategy: { type: 'string', default: 'seed' },
    nodes: { type: 'string', default: 'lb,app1,redis-master,redis-replica,mysql-primary,mysql-replica' },
  },
});
const own = ownTopology('measure-faults', 19500);
const { home, shopctl } = own;

// The seed's mix at a rate this machine carries; its p(99) thresholds are what "p99 back" means.
const scenario = {
  name: 'fault-recovery',
  description: 'open model, 80 % views / 20 % purchases, for recovery figures',
  load: { model: 'open', rate: Number(values.rate), connections: 2000, duration: '16s', warmup: '1s', timeout: '10s' },
  mix: { view: 0.8, purchase: 0.2 },
  popularity: { kind: 'zipf', skew: 0.9 },
  strategy: values.strategy,
  seed: 1,
  thresholds: { view: ['p(99)<100'], purchase: ['p(99)<250'] },
};
const scenarioFile = join(home, 'fault-recovery.yaml');
writeFileSync(scenarioFile, stringify(scenario));

const pct = (x) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)} %`);
const ms = (x) => (x === null || x === undefined ? 'never' : `${Math.round(x)}`);
const rows = [];
try {
  if (shopctl('up').status !== 0) throw new Error('shopctl up failed');
  for (const node of values.nodes.split(',')) {
    const reports = join(home, `reports-${node}`);
    const bench = shopctl('bench', '-s', scenarioFile, '--out', reports, '--fault', `at=5s restart ${node}`);
    if (![0, 4].includes(bench.status)) throw new Error(`bench with ${node} restarted failed (${bench.status}):\n${bench.stderr}`);
    const dir = join(reports, readlinkSync(join(reports, 'latest')));
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const entry = report.faults.timeline[0];
    if (entry.error !== null) console.error(`${node}: ${entry.error}`);
    const window = report.faults.windows[0];
    const verify = shopctl('verify', '--report', dir, '--json');
    const audit = JSON.parse(verify.stdout).audit;
    const broken = audit === null ? ['not audited'] : audit.invariants.filter((i) => !i.ok).map((i) => i.id);
    const { view, purchase } = window.routes;
    rows.push([
      node,
      entry.healedAtMs === null ? `failed: ${entry.error}` : ((entry.healedAtMs - entry.startedAtMs) / 1000).toFixed(1),
      `${pct(view.availability)} of ${view.attempts}`,
      `${pct(purchase.availability)} of ${purchase.attempts}`,
      String(purchase.unknown),
      ms(view.recovery.firstSuccessMs),
      ms(purchase.recovery.firstSuccessMs),
      ms(view.recovery.p99UnderMs),
      ms(purchase.recovery.p99UnderMs),
      broken.length === 0 ? 'hold' : `BROKEN ${broken.join(' ')}`,
      report.generator.trustworthy ? 'yes' : 'no',
    ]);
    shopctl('fault', 'heal');
  }
} finally {
  own.remove();
}

const header = ['node restarted', 'down (s)', 'views ok', 'purchases ok', 'unknown', 'view 1st ok (ms)', 'purchase 1st ok (ms)', 'view p99 back (ms)', 'purchase p99 back (ms)', 'I1–I6', 'generator trusted'];
console.log(`${cpus().length} cores; ${values.rate} requests/s open model, 80/20, strategy ${values.strategy}; fault at 5 s: SIGKILL of the node, started again at once.`);
console.log('"down": from the kill until the node answered its readiness probe; availability counts the requests sent meanwhile; recovery counts from the kill (to 10 ms; p99 to the second, under 100 ms for views and 250 ms for purchases).');
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
