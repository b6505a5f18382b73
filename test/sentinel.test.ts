import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openRedis } from '../src/clients/redis.js';
import type { TopologyStatus } from '../src/provision/status.js';
import { parseServiceLogLine, type ServiceLogLine } from '../src/service/log-line.js';
import { shopctl } from './support/cli.js';
import { redisPassword, rows } from './support/databases.js';
import { metric } from './support/metrics.js';
import { order } from './support/orders.js';
import { eventually, recordedPids, survivors } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

/** The default topology's 7 nodes on 27600–27606, three Sentinels on 27607–27609 (ha.redis: sentinel). */
type HaYaml = { ha?: unknown; nodes: Record<string, unknown>; servers: Record<string, string[]>; app: Record<string, unknown> };
function withSentinels(count: number, ha: 'sentinel' | undefined) {
  return (t: unknown) => {
    const yaml = t as HaYaml;
    ['app-a', 'db-a', 'db-b'].slice(0, count).forEach((server, i) => {
      yaml.nodes[`sentinel${i + 1}`] = { kind: 'sentinel', port: 27607 + i };
      yaml.servers[server]?.push(`sentinel${i + 1}`);
    });
    if (ha !== undefined) yaml.ha = { redis: ha };
  };
}

describe('ha.redis: sentinel that cannot work is refused before anything starts', () => {
  it.each([
    ['sentinel nodes without ha.redis', withSentinels(3, undefined), 'nodes.sentinel1.kind: a sentinel node needs ha.redis: sentinel'],
    ['two sentinels', withSentinels(2, 'sentinel'), 'ha.redis: expected 3 nodes of kind sentinel for ha.redis: sentinel (quorum 2), found 2'],
  ])('%s: up exits 64 naming the key', async (_what, edit, message) => {
    const bad = testTopology('e2e-sentinel-bad', 27600, edit);
    const up = await shopctl(bad.home, ['up', '-t', bad.file]);
    expect(up.code, up.stderr).toBe(64);
    expect(up.stderr).toContain(message);
    expect(recordedPids(bad.home, bad.name)).toEqual([]);
    rmSync(bad.home, { recursive: true, force: true });
  });
});

const topo = testTopology('e2e-sentinel', 27600, (t) => {
  withSentinels(3, 'sentinel')(t);
  t.catalog.products = 200;
  t.app.workers = 1;
});
const { run, primary } = runningTopology(topo);
const PORT = { master: 27603, replica: 27604 };
const lb = `http://127.0.0.1:${topo.ports.lb}`;
const apps = ['app1', 'app2'].map((app) => `http://127.0.0.1:${topo.ports[app]}`);

async function status(): Promise<{ code: number; doc: TopologyStatus }> {
  const result = await run('status', '--json');
  return { code: result.code, doc: JSON.parse(result.stdout) as TopologyStatus };
}
const nodeOf = (doc: TopologyStatus, name: string) => doc.nodes.find((n) => n.name === name);

/** A fail-fast connection to a Redis node of the topology, closed after the file. */
const opened: Redis[] = [];
async function redisOn(port: number): Promise<Redis> {
  const redis = await openRedis({ host: '127.0.0.1', port }, redisPassword(topo));
  opened.push(redis);
  return redis;
}
afterAll(() => opened.forEach((r) => r.disconnect()));

function appEvents(app: string, event: string): ServiceLogLine[] {
  const text = readFileSync(join(topo.home, topo.name, app, `${app}.log`), 'utf8');
  return text.split('\n').flatMap((line) => {
    const parsed = parseServiceLogLine(line);
    return parsed?.event === event ? [parsed] : [];
  });
}

describe('Redis Sentinel', () => {
  it('up: three healthy Sentinels agree on the master; shell opens them and takes role words', async () => {
    const { code, doc } = await status();
    expect(code).toBe(0);
    const sentinels = doc.nodes.filter((n) => n.kind === 'sentinel');
    expect(sentinels.map((n) => [n.name, n.healthy, n.role, n.replication?.master, n.replication?.quorumOk])).toEqual(
      ['sentinel1', 'sentinel2', 'sentinel3'].map((name) => [name, true, 'sentinel', `127.0.0.1:${PORT.master}`, true]),
    );
    expect(nodeOf(doc, 'redis-master')?.role).toBe('primary');
    const shell = await run('shell', 'sentinel2', '-e', 'SENTINEL get-master-addr-by-name shop');
    expect(shell.code, shell.stderr).toBe(0);
    expect(shell.stdout.split('\n')).toContain(String(PORT.master));
    const database = await run('shell', 'replica', '-e', 'SELECT @@port AS port');
    expect(database.code, database.stderr).toBe(0);
    expect(database.stdout).toContain(String(topo.ports['mysql-replica']));
  });

  it('kill redis-master: the Sentinels promote redis-replica, the apps follow, the stale cache is dropped, pub/sub goes on', async () => {
    const master = await redisOn(PORT.master);
    const replica = await redisOn(PORT.replica);
    // A stock only the old master's history has (a negative control: without the drop it would stay).
    await master.set('stock:200', '99999:0', 'EX', 600);
    await eventually('stock:200 to reach the replica', async () => ((await replica.get('stock:200')) === '99999:0' ? true : undefined), 5000);

    // Purchases through the LB all along, one product per strategy and request, until the switch is over.
    const ledger: { strategy: string; status: number; sentAt: number; doneAt: number }[] = [];
    let stop = false;
    const deadline = Date.now() + 30_000;
    const buyer = async (strategy: 'atomic' | 'seed', base: number) => {
      for (let i = 0; !stop && Date.now() < deadline; i++) {
        const sentAt = Date.now();
        const answer = await order(lb, { productId: base + (i % 40), quantity: 1 }, { strategy });
        ledger.push({ strategy, status: answer.status, sentAt, doneAt: Date.now() });
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const buyers = Promise.all([buyer('atomic', 1), buyer('seed', 41)]);
    await new Promise((r) => setTimeout(r, 1000));

    const kill = await run('fault', 'kill', 'redis-master');
    expect(kill.code, kill.stderr).toBe(0);
    const promoted = await eventually(
      'redis-replica promoted',
      async () => {
        const { doc } = await status();
        const node = nodeOf(doc, 'redis-replica');
        return node?.role === 'primary' && node.healthy ? doc : undefined;
      },
      15_000,
    );
    expect(nodeOf(promoted, 'redis-master')).toMatchObject({ role: 'replica', running: false, healthy: false });
    expect(nodeOf(promoted, 'sentinel1')?.replication?.master).toBe(`127.0.0.1:${PORT.replica}`);
    // Both strategies sell again through the new master (seed needs it for its lock).
    await eventually('a seed purchase after the switch', () => {
      const lost = appEvents('app1', 'dependency_lost')[0]?.time ?? Infinity;
      return ledger.some((e) => e.strategy === 'seed' && e.status === 201 && e.sentAt > lost) || undefined;
    }, 15_000);
    stop = true;
    await buyers;

    // What a client saw: from the apps losing Redis to the first purchase sold after it.
    const lostAt = Math.min(...apps.map((_, i) => appEvents(`app${i + 1}`, 'dependency_lost')[0]?.time ?? Infinity));
    for (const strategy of ['atomic', 'seed']) {
      const after = ledger.filter((e) => e.strategy === strategy && e.sentAt >= lostAt);
      const failed = after.filter((e) => e.status !== 201);
      const lastFailed = failed.at(-1)?.doneAt ?? lostAt;
      const firstSold = after.find((e) => e.status === 201 && e.sentAt >= lastFailed);
      console.log(`sentinel failover, ${strategy}: ${after.length} purchases after Redis was lost, ${failed.length} not sold (${[...new Set(failed.map((e) => e.status))].join(',') || '-'}); first sale after the last failure ${firstSold === undefined ? '-' : `${((firstSold.doneAt - lostAt) / 1000).toFixed(2)} s`} after the loss`);
      expect(failed.every((e) => e.status === 503)).toBe(true);
    }

    // The new master held the old history's stock: every app that switched dropped it. (Sentinel
    // closed the connections to the promoted replica with CLIENT KILL: a new one.)
    const promotedMaster = await redisOn(PORT.replica);
    await eventually('stock:200 dropped from the new master', async () => ((await promotedMaster.get('stock:200')) === null ? true : undefined), 5000);
    const dropped = [...appEvents('app1', 'cache_dropped'), ...appEvents('app2', 'cache_dropped')];
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(dropped.every((e) => e.complete === true)).toBe(true);
    expect(dropped.reduce((sum, e) => sum + Number(e.count), 0)).toBeGreaterThanOrEqual(1);
    // I5 on the new master: every cached stock is the database's.
    const cached = await promotedMaster.keys('stock:*');
    const stock = new Map((await rows<{ id: number; stock: number }>(primary(), 'SELECT id, stock FROM products')).map((r) => [Number(r.id), Number(r.stock)]));
    for (const key of cached) expect(`${key} ${(await promotedMaster.get(key))?.split(':')[0]}`).toBe(`${key} ${stock.get(Number(key.slice(6)))}`);

    // Pub/Sub: both apps' subscribers followed the master and subscribed again.
    const before = await Promise.all(apps.map((app) => metric(app, 'shop_events_received_total')));
    for (let i = 0; i < 3; i++) expect((await order(lb, { productId: 100 + i, quantity: 1 }, { strategy: 'atomic' })).status).toBe(201);
    await eventually('every app to receive the 3 new events', async () => {
      const now = await Promise.all(apps.map((app) => metric(app, 'shop_events_received_total')));
      return now.every((n, i) => n >= (before[i] as number) + 3) || undefined;
    }, 5000);
  });

  it('restart redis-master: it comes back as a replica of the new master', async () => {
    const restart = await run('fault', 'restart', 'redis-master');
    expect(restart.code, restart.stderr).toBe(0);
    const { code, doc } = await status();
    expect(code, JSON.stringify(doc.nodes.filter((n) => !n.healthy))).toBe(0);
    expect(nodeOf(doc, 'redis-master')).toMatchObject({ role: 'replica', healthy: true, replication: { role: 'slave', linkStatus: 'up' } });
    expect(nodeOf(doc, 'redis-replica')).toMatchObject({ role: 'primary', healthy: true, replication: { connectedReplicas: 1 } });
    const role = await run('shell', 'redis-master', '-e', 'ROLE');
    expect(role.stdout.split('\n').slice(0, 3)).toEqual(['slave', '127.0.0.1', String(PORT.replica)]);
  });

  it('down stops every process, Sentinels included', async () => {
    const pids = recordedPids(topo.home, topo.name);
    expect(pids).toHaveLength(10);
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(survivors(pids, join(topo.home, 'none'))).toEqual([]);
  });
});
