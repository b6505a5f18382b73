#!/usr/bin/env node
// The proof of issue #14: what a database or Redis failover costs the seed design with
// asynchronous replication (topology/seed-failover.yaml) and the design made safe
// (topology/seed-ha.yaml: semisync AFTER_SYNC without fallback), under the same faults and load.
//
// For each topology (its own copy: ports moved to 19600+ and 19650+, a smaller catalog, a
// temporary SHOPCTL_HOME), each scenario (flash-sale, seed; open model at --rate for
// --warmup + --duration) and each fault, --runs times: `up --fresh` (every run starts from the
// same data, roles and stock, with a monitor out of its cool-down), `bench --fault …`, then
// `status` until it exits 0 (faults still in force are healed with `fault heal`, nodes that
// stayed down are started with `up`: both are noted), then `verify --report … --json` with loose
// thresholds, then `status --json` for the promotion the monitor made and `failover.json` for
// the rejoins (errant transactions saved to `errant-epoch*.json`, copied next to the report).
//
// The faults, all at 5 s into the load (warm-up included), on the node holding the role then:
//   kill-primary     --fault 'at=5s for=8s kill <primary>'           SIGKILL, started again at 13 s
//   isolate-primary  --fault 'at=5s for=8s partition isolate=<primary>' cut from every node, both ways
//   pause-primary    --fault 'at=5s for=10s pause <primary>'         SIGSTOP past the monitor's
//                    judgement (3 failed checks 1 s apart, the replica silent for 3 s, fencing 3 s)
//   kill-redis       --fault 'at=5s for=8s kill <redis master>'      Sentinel's failover
//
// Figures per run (report.json and verify.json field names in docs/report.md, README `verify`):
//   acked lost     I2's violation count: acknowledged purchases (201 + order id in the ledger)
//                  whose order is not on the primary after the failover and the rejoin.
//   oversold       units sold beyond a product's initial stock, from I1's violations (the first
//                  20 products verify lists): per product max(0, sold − initial stock, −stock).
//   failover time  faults.windows[0].longestAcknowledgedGapMs: the longest time, from the
//                  fault's start on, in which no purchase was acknowledged (the gaps between
//                  completions of 201 answers, to 10 ms; the first gap counts from the fault's
//                  start) — from the last purchase that got through as the fault took hold to
//                  the first one acknowledged after it, as the load generator saw it. "never":
//                  purchases had not come back when the load ended (the report's null). A fault
//                  that never stopped purchases shows the usual spacing of acknowledgements.
//                  (`routes.purchase.recovery.firstSuccessMs` counts from the heal and counts
//                  sold-out answers: kept in the JSON as `purchaseFirstSuccessAfterHealMs`.)
//   purchase unavailability  (1 − A) × W, in seconds: W = the fault's window (fault start to
//                  its heal finished: faults.windows[0].toMs − fromMs), A = the purchases'
//                  availability in it (routes.purchase.availability: purchases sent in the
//                  window, by intended send time in whole 100 ms ticks, answered 201 or 409
//                  sold-out ÷ purchases sent). A purchase that waited and was acknowledged later
//                  counts as available; a sold-out answer too (flash-sale: most answers, from the
//                  Redis gate, once the hot product is sold out).
//   verify exit    0 pass, 1 threshold, 2 invariant violated, 3 not checked, 4 untrusted.
//   promotion      status --json failover.lastPromotion: fencing (down, read_only, killed) and
//                  ms (first failed check to writes enabled on the new primary).
//
// Usage: node scripts/prove-failover.mjs [--runs 2] [--quick] [--rate 250] [--duration 20s]
//        [--warmup 2s] [--products 1000] [--topologies async,safe] [--scenarios flash-sale,seed]
//        [--faults kill-primary,isolate-primary,pause-primary,kill-redis] [--out DIR] [--json]
// --quick: one run of flash-sale only. Prints one Markdown table per topology (stdout; with
// --json one JSON document instead); progress on stderr. Reports, verify output, monitor logs and
// errant files stay in --out (default /tmp/prove-failover-<time>). Exit 0 when it ran (a loss
// is a finding), 3 when the environment lacks something (root, nft, a build, a server program),
// 130/143 when interrupted (everything it started is stopped: `down --purge`).
// Needs a build (npm run build) and root (nodes run in cgroups; partitions need nftables).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ownTopology, ROOT } from './lib/own-topology.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string', default: '250' },
    duration: { type: 'string', default: '20s' },
    warmup: { type: 'string', default: '2s' },
    products: { type: 'string', default: '1000' },
    topologies: { type: 'string', default: 'async,safe' },
    scenarios: { type: 'string' },
    faults: { type: 'string', default: 'kill-primary,isolate-primary,pause-primary,kill-redis' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

const TOPOLOGIES = {
  async: { name: 'prove-async', source: 'topology/seed-failover.yaml', basePort: 19600, title: 'seed-failover.yaml — asynchronous replication, automatic failover' },
  safe: { name: 'prove-safe', source: 'topology/seed-ha.yaml', basePort: 19650, title: 'seed-ha.yaml — semisync (AFTER_SYNC, no fallback), automatic failover' },
};
const FAULTS = {
  'kill-primary': { label: 'kill -9 primary (8 s)', spec: (r) => `at=5s for=8s kill ${r.mysqlPrimary}` },
  'isolate-primary': { label: 'isolate primary (8 s)', spec: (r) => `at=5s for=8s partition isolate=${r.mysqlPrimary}` },
  'pause-primary': { label: 'pause primary (10 s)', spec: (r) => `at=5s for=10s pause ${r.mysqlPrimary}` },
  'kill-redis': { label: 'kill -9 Redis master (8 s)', spec: (r) => `at=5s for=8s kill ${r.redisMaster}` },
};
const runs = values.quick ? 1 : Number(values.runs);
const scenarios = (values.scenarios ?? (values.quick ? 'flash-sale' : 'flash-sale,seed')).split(',');
const topologies = values.topologies.split(',');
const faults = values.faults.split(',');
const usage = (message) => {
  console.error(`prove-failover: ${message}`);
  process.exit(64);
};
if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a whole number ≥ 1, not ${values.runs}`);
for (const t of topologies) if (!(t in TOPOLOGIES)) usage(`unknown topology "${t}" (async, safe)`);
for (const f of faults) if (!(f in FAULTS)) usage(`unknown fault "${f}" (${Object.keys(FAULTS).join(', ')})`);
for (const s of scenarios) if (!existsSync(join(ROOT, 'scenarios', `${s}.yaml`))) usage(`no scenario scenarios/${s}.yaml`);

const started = Date.now();
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const outDir = values.out ?? `/tmp/prove-failover-${stamp}`;
const progress = (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);

// ---- the environment (exit 3) ----
function missing() {
  const lacks = [];
  if (!existsSync(join(ROOT, 'dist/cli.js'))) lacks.push('a build: run npm run build');
  if (process.getuid?.() !== 0) lacks.push('root: the nodes run in cgroups of their own and partitions need nftables (run as root)');
  const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
  if (faults.includes('isolate-primary') && !has('nft')) lacks.push('nftables (nft) for the partition: apt-get install -y nftables (or scripts/setup.sh)');
  for (const program of ['mariadbd', 'redis-server', 'nginx']) if (!has(program)) lacks.push(`${program}: scripts/setup.sh installs it`);
  return lacks;
}
const lacks = missing();
if (lacks.length > 0) {
  console.error(`prove-failover: the environment lacks:\n${lacks.map((l) => `  - ${l}`).join('\n')}`);
  process.exit(3);
}
mkdirSync(outDir, { recursive: true });
// Its own pid, for stopping it by hand (SIGINT or SIGTERM) when it runs in the background.
writeFileSync(join(outDir, 'pid'), `${process.pid}\n`);
// The build as it is now, copied: a run of half an hour must not pick up a build rewritten
// under it (every node the topology starts, the apps and the monitor included, runs shopctl
// from this copy). The commit and whether the tree had changes go into the results.
const build = join(outDir, 'shopctl');
rmSync(build, { recursive: true, force: true });
for (const part of ['bin', 'dist', 'scenarios', 'topology', 'package.json']) cpSync(join(ROOT, part), join(build, part), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'));
const LAUNCHER = join(build, 'bin/shopctl.js');
const git = (...args) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).stdout.trim();
const code = { commit: git('rev-parse', '--short', 'HEAD'), changedFiles: git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length };

// ---- running the CLI, interruptibly ----
class Interrupted extends Error {}
class EnvironmentMissing extends Error {}
let interrupted = null;
let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (interrupted !== null) return;
    interrupted = signal;
    progress(`${signal}: stopping the current command, then every topology this script started`);
    // A bench stops sending, undoes its faults and writes its report on SIGINT (exit 130).
    current?.kill('SIGINT');
  });
}
const checkInterrupt = () => {
  if (interrupted !== null) throw new Interrupted(interrupted);
};

/** Runs `shopctl ARGS -t FILE` against a topology copy; never longer than timeoutS (then SIGINT, SIGKILL 20 s later). */
function shopctl(own, args, timeoutS) {
  checkInterrupt();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args, '-t', own.file], { env: { ...process.env, SHOPCTL_HOME: own.home, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const soft = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT');
    }, timeoutS * 1000);
    const hard = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 20) * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(soft);
      clearTimeout(hard);
      current = null;
      resolve({ status: code ?? (signal === null ? 1 : 128), stdout, stderr, timedOut });
    });
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const parseJson = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};
const seconds = (s) => Number(String(s).replace(/s$/, ''));

// ---- one run ----
const LOOSE = { latency: 'p(99)<60000', errors: 'rate<1', cache: '>=0' };
/** Loose thresholds: every latency threshold of the scenario at 60 s, errors under 100 %, any cache hit rate; the rest (db_connections) as written. */
function looseThresholds(report) {
  const set = new Set([`purchase:${LOOSE.latency}`, `errors:${LOOSE.errors}`]);
  for (const [metric, expressions] of Object.entries(report?.scenario?.thresholds ?? {})) {
    for (const expression of expressions) {
      const pct = /^\s*p\(\s*([\d.]+)\s*\)/.exec(expression);
      if (pct !== null) set.add(`${metric}:p(${pct[1]})<60000`);
      else if (metric === 'errors') set.add(`errors:${LOOSE.errors}`);
      else if (metric === 'cache_hit_rate') set.add(`cache_hit_rate:${LOOSE.cache}`);
    }
  }
  return [...set];
}

/** `status` until it exits 0 (at most 120 s): heals faults left in force, starts nodes that stay down. */
async function waitWhole(own) {
  const since = Date.now();
  const actions = [];
  let upDone = false;
  for (let attempt = 0; Date.now() - since < 120_000; attempt++) {
    const status = await shopctl(own, ['status', '--json'], 30);
    if (status.status === 0) return { wholeAfterS: (Date.now() - since) / 1000, actions, broughtBack: actions.filter((a) => a.startsWith('up:')).map((a) => a.slice(3)) };
    const doc = parseJson(status.stdout);
    if (doc !== null && doc.faults.length > 0) {
      actions.push(`fault heal (${doc.faults.map((f) => f.target ?? f.node).join(', ')})`);
      await shopctl(own, ['fault', 'heal'], 120);
      continue;
    }
    const down = doc?.nodes.filter((n) => !n.running).map((n) => n.name) ?? [];
    // A node the bench's heal or the monitor is about to start gets 5 s first.
    if (down.length > 0 && Date.now() - since > 5000 && !upDone) {
      upDone = true;
      actions.push(...down.map((n) => `up:${n}`));
      progress(`    ${down.join(', ')} stayed down: shopctl up`);
      await shopctl(own, ['up'], 180);
      continue;
    }
    await sleep(1000);
  }
  const last = await shopctl(own, ['status'], 30);
  return { wholeAfterS: null, actions, broughtBack: actions.filter((a) => a.startsWith('up:')).map((a) => a.slice(3)), notWhole: last.stderr.split('\n').slice(-12).join('\n') };
}

async function oneRun(own, topologyKey, scenario, faultKey, index) {
  const runStarted = Date.now();
  const dir = join(outDir, topologyKey, `${scenario}-${faultKey}-${index + 1}`);
  mkdirSync(dir, { recursive: true });
  const result = { topology: topologyKey, topologyFile: TOPOLOGIES[topologyKey].source, scenario, fault: faultKey, run: index + 1, dir };
  let up = await shopctl(own, ['up', '--fresh'], 240);
  if (up.status !== 0 && !up.timedOut && up.status !== 130) up = await shopctl(own, ['up', '--fresh'], 240);
  if (up.status !== 0) {
    checkInterrupt();
    throw new EnvironmentMissing(`shopctl up --fresh of ${own.topology.name} exited ${up.status}:\n${up.stderr.split('\n').slice(-15).join('\n')}`);
  }
  const before = parseJson((await shopctl(own, ['status', '--json'], 30)).stdout);
  const roles = { mysqlPrimary: before?.failover?.mysqlPrimary ?? 'mysql-primary', redisMaster: before?.failover?.redisMaster ?? 'redis-master' };
  const spec = FAULTS[faultKey].spec(roles);
  Object.assign(result, { faultSpec: spec, rolesBefore: roles });
  const reports = join(dir, 'reports');
  const benchArgs = ['bench', '-s', join(build, 'scenarios', `${scenario}.yaml`), '--rate', values.rate, '--duration', values.duration, '--warmup', values.warmup, '--out', reports, '--fault', spec];
  progress(`  ${topologyKey} ${scenario} ${faultKey} run ${index + 1}: bench --fault '${spec}'`);
  const bench = await shopctl(own, benchArgs, seconds(values.warmup) + seconds(values.duration) + 150);
  writeFileSync(join(dir, 'bench.txt'), `${bench.stderr}`);
  result.benchExit = bench.status;
  const latest = join(reports, 'latest');
  const reportDir = existsSync(latest) ? join(reports, readlinkSync(latest)) : null;
  const report = reportDir === null ? null : parseJson(readFileSync(join(reportDir, 'report.json'), 'utf8'));
  checkInterrupt();
  if (report === null) {
    result.error = `bench exited ${bench.status} without a report: ${bench.stderr.split('\n').slice(-6).join(' | ')}`;
    progress(`    ${result.error}`);
    result.wallS = (Date.now() - runStarted) / 1000;
    return result;
  }
  result.reportDir = reportDir;
  const whole = await waitWhole(own);
  Object.assign(result, whole);

  const thresholds = looseThresholds(report);
  const verify = await shopctl(own, ['verify', '--report', reportDir, '--json', ...thresholds.flatMap((t) => ['--threshold', t])], 240);
  writeFileSync(join(dir, 'verify.txt'), verify.stderr);
  const verdict = parseJson(verify.stdout);
  const after = parseJson((await shopctl(own, ['status', '--json'], 30)).stdout);

  const window = report.faults?.windows?.[0] ?? null;
  const entry = report.faults?.timeline?.[0] ?? null;
  const invariants = verdict?.audit?.invariants ?? [];
  const byId = (id) => invariants.find((i) => i.id === id);
  const i1 = byId('I1');
  const i2 = byId('I2');
  const oversold = i1 === undefined ? null : i1.examples.reduce((sum, e) => sum + Math.max(0, e.sold - e.initialStock, -e.stock), 0);
  const purchase = window?.routes?.purchase ?? null;
  const windowMs = window === null ? null : window.toMs - window.fromMs;
  Object.assign(result, {
    verifyExit: verify.status,
    verdict: verdict?.verdict ?? null,
    thresholds,
    trusted: report.generator.trustworthy,
    untrustedBecause: report.generator.reasons,
    ackedLost: i2 === undefined || i2.unchecked !== undefined ? null : i2.violations,
    lostExamples: i2?.examples ?? [],
    oversold,
    i1Violations: i1?.violations ?? null,
    broken: invariants.filter((i) => !i.ok).map((i) => (i.unchecked === undefined ? i.id : `${i.id}?`)),
    audited: verdict?.audit?.audited ?? null,
    timeline: entry,
    failoverTimeMs: window?.longestAcknowledgedGapMs ?? null,
    purchaseFirstSuccessAfterHealMs: purchase?.recovery?.firstSuccessMs ?? null,
    windowMs,
    purchaseAvailability: purchase?.availability ?? null,
    purchaseAttemptsInWindow: purchase?.attempts ?? null,
    unavailabilityS: purchase?.availability == null || windowMs === null ? null : ((1 - purchase.availability) * windowMs) / 1000,
    purchases: report.purchases,
    promotion: after?.failover?.lastPromotion ?? null,
    rolesAfter: after?.failover === undefined || after?.failover === null ? null : { mysqlPrimary: after.failover.mysqlPrimary, redisMaster: after.failover.redisMaster },
  });
  // The monitor's record: rejoins, and the errant transactions it saved (copied here: `up --fresh` of the next run deletes them).
  const record = join(own.home, own.topology.name, 'failover.json');
  const rejoins = existsSync(record) ? (parseJson(readFileSync(record, 'utf8'))?.rejoins ?? []) : [];
  result.rejoins = rejoins;
  result.errant = rejoins
    .filter((r) => r.savedTo !== null && existsSync(r.savedTo))
    .map((r) => {
      const copy = join(dir, basename(r.savedTo));
      copyFileSync(r.savedTo, copy);
      const saved = parseJson(readFileSync(r.savedTo, 'utf8'));
      return { file: r.savedTo, copy, orders: saved?.orders?.length ?? r.errantOrders, gtids: r.errantGtids, keys: (saved?.orders ?? []).map((o) => o.idempotency_key) };
    });
  const monitorLog = join(own.home, own.topology.name, 'monitor', 'monitor.log');
  if (existsSync(monitorLog)) writeFileSync(join(dir, 'monitor.log'), readFileSync(monitorLog, 'utf8').split('\n').filter((l) => !l.includes('"check_failed"')).join('\n'));
  result.wallS = (Date.now() - runStarted) / 1000;
  const fmt = (ms) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  progress(
    `    verify ${verify.status} (${result.verdict}); acked lost ${result.ackedLost ?? '?'}, oversold ${oversold ?? '?'}; failover time ${fmt(result.failoverTimeMs)}; ` +
      `unavailability ${result.unavailabilityS === null ? 'n/a' : `${result.unavailabilityS.toFixed(1)} s`}; promotion ${result.promotion === null ? 'none' : `${result.promotion.fencing} ${result.promotion.ms} ms`}` +
      `${result.broughtBack.length > 0 ? `; up brought back ${result.broughtBack.join(', ')}` : ''}${result.errant.length > 0 ? `; errant orders ${result.errant.map((e) => e.orders).join('+')}` : ''} (${result.wallS.toFixed(0)} s)`,
  );
  return result;
}

// ---- the tables ----
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => (ms === null ? 'never' : (ms / 1000).toFixed(1));
const sum = (xs) => (xs.some((x) => x === null) ? `${xs.filter((x) => x !== null).reduce((a, b) => a + b, 0)} (+? unchecked)` : String(xs.reduce((a, b) => a + b, 0)));

function summarize(group) {
  const done = group.filter((r) => r.error === undefined);
  // "never" (no purchase acknowledged again before the load ended) sorts last.
  const times = done.map((r) => (r.failoverTimeMs === null ? Infinity : r.failoverTimeMs));
  const med = median(times);
  const max = times.length === 0 ? null : Math.max(...times);
  const unavailable = median(done.map((r) => r.unavailabilityS).filter((x) => x !== null));
  const promotions = done.filter((r) => r.promotion !== null);
  const fencings = [...new Set(promotions.map((r) => r.promotion.fencing))];
  const brought = done.flatMap((r) => r.broughtBack);
  const counts = Object.entries(brought.reduce((m, n) => ({ ...m, [n]: (m[n] ?? 0) + 1 }), {}));
  return {
    runs: group.length,
    failedRuns: group.length - done.length,
    ackedLost: done.map((r) => r.ackedLost),
    oversold: done.map((r) => r.oversold),
    failoverTime: { medianMs: med === Infinity ? null : med, maxMs: max === Infinity ? null : max, never: times.filter((t) => t === Infinity).length },
    unavailabilityMedianS: unavailable,
    verifyExits: done.map((r) => r.verifyExit),
    broken: [...new Set(done.flatMap((r) => r.broken))],
    promotion: promotions.length === 0 ? null : { fencing: fencings, medianMs: median(promotions.map((r) => r.promotion.ms)), count: promotions.length },
    broughtBackByUp: Object.fromEntries(counts),
    errantOrders: done.reduce((a, r) => a + r.errant.reduce((b, e) => b + e.orders, 0), 0),
    untrusted: done.filter((r) => !r.trusted).length,
  };
}

function table(topologyKey, results) {
  const t = TOPOLOGIES[topologyKey];
  const lines = [`### ${t.title}`, '', `Copy of \`${t.source}\` on ports ${t.basePort}–${t.basePort + 10}, ${values.products} products.`, ''];
  const header = ['scenario', 'fault', 'runs', 'acked lost', 'oversold', 'failover time median / max (s)', 'purchase unavailability median (s)', 'verify exits', 'invariants broken', 'promotion: fencing, median ms', '`up` brought back', 'errant orders saved'];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const scenario of scenarios) {
    for (const faultKey of faults) {
      const group = results.filter((r) => r.topology === topologyKey && r.scenario === scenario && r.fault === faultKey);
      if (group.length === 0) continue;
      const s = summarize(group);
      const med = s.failoverTime.medianMs;
      const time = `${med === null ? 'never' : sec(med)} / ${s.failoverTime.maxMs === null ? 'never' : sec(s.failoverTime.maxMs)}${s.failoverTime.never > 0 && med !== null ? ` (${s.failoverTime.never} never)` : ''}`;
      const promotion = s.promotion === null ? '—' : `${s.promotion.fencing.join(', ')}, ${Math.round(s.promotion.medianMs)}${s.promotion.count < group.length - s.failedRuns ? ` (${s.promotion.count} of ${group.length - s.failedRuns} runs)` : ''}`;
      const brought = Object.keys(s.broughtBackByUp).length === 0 ? '—' : Object.entries(s.broughtBackByUp).map(([n, c]) => `${n} ×${c}`).join(', ');
      lines.push(
        `| ${scenario} | ${FAULTS[faultKey].label} | ${s.runs}${s.failedRuns > 0 ? ` (${s.failedRuns} failed)` : ''} | ${sum(s.ackedLost)} | ${sum(s.oversold)} | ${time} | ${s.unavailabilityMedianS === null ? 'n/a' : s.unavailabilityMedianS.toFixed(1)} | ${s.verifyExits.join(', ')}${s.untrusted > 0 ? ` (${s.untrusted} untrusted)` : ''} | ${s.broken.length === 0 ? 'none' : s.broken.join(' ')} | ${promotion} | ${brought} | ${s.errantOrders} |`,
      );
    }
  }
  const lost = results.find((r) => r.topology === topologyKey && (r.ackedLost ?? 0) > 0);
  if (lost !== undefined) {
    const e = lost.lostExamples[0];
    lines.push('', `One lost order (${lost.scenario}, ${FAULTS[lost.fault].label}, run ${lost.run}; ${lost.ackedLost} lost in that run): key \`${e.key}\`, product ${e.productId}, quantity ${e.quantity}, order id ${e.orderId} — found: ${JSON.stringify(e.found)}. verify's I2 lines: ${join(lost.dir, 'verify.txt')}.`);
  }
  const errant = results.find((r) => r.topology === topologyKey && r.errant?.some((x) => x.orders > 0));
  if (errant !== undefined) {
    const x = errant.errant.find((y) => y.orders > 0);
    lines.push('', `Errant transactions saved by the monitor (${errant.scenario}, ${FAULTS[errant.fault].label}, run ${errant.run}): \`${x.file}\` (copied to \`${x.copy}\`), ${x.orders} order(s), GTIDs ${x.gtids}.`);
  }
  return lines.join('\n');
}

// ---- main ----
const machine = {
  code,
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
};
const command = `node scripts/prove-failover.mjs ${process.argv.slice(2).join(' ')}`.trim();
progress(`${command}: ${topologies.length} topologies × ${scenarios.length} scenarios × ${faults.length} faults × ${runs} run(s); output in ${outDir}`);
const results = [];
let exitCode = 0;
try {
  for (const topologyKey of topologies) {
    const t = TOPOLOGIES[topologyKey];
    const own = ownTopology(t.name, t.basePort, (topology) => (topology.catalog.products = Number(values.products)), join(ROOT, t.source));
    try {
      for (const scenario of scenarios) {
        for (const faultKey of faults) {
          for (let i = 0; i < runs; i++) {
            let result = await oneRun(own, topologyKey, scenario, faultKey, i);
            // A bench that left no report (a build being rewritten under it, a port taken a
            // moment) is tried once more; what it said stays in the result.
            if (result.error !== undefined) {
              progress('    trying this run once more');
              result = { ...(await oneRun(own, topologyKey, scenario, faultKey, i)), firstAttemptError: result.error };
            }
            results.push(result);
            writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ machine, command, results }, null, 2)}\n`);
          }
        }
      }
    } finally {
      // down --purge, then the temporary SHOPCTL_HOME removed (what a run keeps was copied to --out).
      const down = spawnSync(process.execPath, [LAUNCHER, 'down', '--purge', '-t', own.file], { env: { ...process.env, SHOPCTL_HOME: own.home, CI: '1' }, encoding: 'utf8', timeout: 180_000 });
      if (down.status !== 0) progress(`down --purge of ${t.name} exited ${down.status}: ${(down.stderr ?? '').split('\n').slice(-4).join(' | ')}`);
      else rmSync(own.home, { recursive: true, force: true });
    }
  }
} catch (error) {
  if (error instanceof Interrupted) exitCode = interrupted === 'SIGTERM' ? 143 : 130;
  else if (error instanceof EnvironmentMissing) {
    console.error(`prove-failover: ${error.message}`);
    exitCode = 3;
  } else throw error;
}

const wallS = (Date.now() - started) / 1000;
const settings = { runs, scenarios, faults, topologies, rate: Number(values.rate), duration: values.duration, warmup: values.warmup, products: Number(values.products), out: outDir };
const summary = Object.fromEntries(
  topologies.map((t) => [t, Object.fromEntries(scenarios.flatMap((s) => faults.map((f) => [`${s} ${f}`, results.some((r) => r.topology === t && r.scenario === s && r.fault === f) ? summarize(results.filter((r) => r.topology === t && r.scenario === s && r.fault === f)) : null])))]),
);
const doc = { machine, command, settings, wallS, interrupted: interrupted !== null, results, summary };
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
if (values.json) {
  console.log(JSON.stringify(doc, null, 2));
} else {
  const text = [
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; load average at the start ${machine.loadAverageAtStart.join(' ')}; the load generator shares the cores with every node.`,
    `Load: open model, ${values.rate} requests/s, ${values.warmup} warm-up + ${values.duration}, each run on a fresh topology (\`up --fresh\`); faults 5 s into the load. ${runs} run(s) per row; ${(wallS / 60).toFixed(1)} min in all.`,
    `Command: \`${command}\``,
    '',
    ...topologies.map((t) => table(t, results)).flatMap((x) => [x, '']),
    'failover time: the longest time from the fault on without an acknowledged purchase (report `faults.windows[].longestAcknowledgedGapMs`; "never": purchases had not come back when the load ended). purchase unavailability: (1 − the purchases\' availability in the fault window) × the window, s (sold-out answers count as available). oversold: units sold beyond initial stock (I1). verify exits: 0 pass, 1 threshold, 2 invariant, 3 not checked, 4 untrusted measurement.',
    `Every run's report, verify output, monitor log and errant files: ${outDir}`,
  ];
  console.log(text.join('\n'));
}
process.exit(exitCode);
