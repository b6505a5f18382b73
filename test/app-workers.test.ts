import { request } from 'node:http';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { shopctl } from './support/cli.js';
import { metric } from './support/metrics.js';
import { eventually, survivors } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { ACCEPTORS_PER_WORKER } from '../src/service/cluster/shared-listener.js';
import { acceptedBy, answeredConnection, descriptorsOf, listeningInode } from './support/sockets.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-workers', 27100, (t) => {
  t.catalog.products = 200;
  t.app.workers = 3;
});
const { run } = runningTopology(topo);
const appPort = topo.ports['app1'] ?? 0;
const app = `http://127.0.0.1:${appPort}`;

interface StatusDoc {
  nodes: { name: string; pid: number | null; processes: number[]; healthy: boolean }[];
}

async function processesOf(node: string): Promise<number[]> {
  const status = await run('status', '--json');
  expect(status.code, status.stderr).toBe(0);
  return (JSON.parse(status.stdout) as StatusDoc).nodes.find((n) => n.name === node)?.processes ?? [];
}

/** One request on a connection of its own, so the node's primary hands each to the next worker. */
function getOnNewConnection(path: string): Promise<{ status: number; servedBy: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: appPort, path, agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, servedBy: res.headers['x-served-by'] as string | undefined }));
    });
    req.once('error', reject);
    req.once('timeout', () => req.destroy(new Error(`no answer to ${path} in 5 s`)));
    req.end();
  });
}

async function cacheRequests(): Promise<number> {
  return (await metric(app, 'shop_cache_requests_total{result="hit"}')) + (await metric(app, 'shop_cache_requests_total{result="miss"}'));
}

describe('an app node with app.workers: 3', () => {
  it('runs a primary and 3 workers, shown by status', async () => {
    const processes = await processesOf('app1');
    expect(processes).toHaveLength(4);
    const table = await run('status');
    expect(table.stderr + table.stdout).toMatch(/PROCS/);
    expect(table.stderr + table.stdout).toMatch(/\napp1\s+app\s+app\s+\S+\s+\S+\s+\d+\s+4\s/);
  });

  it('has one listening socket, polled by each worker through many descriptors and never by the primary', async () => {
    const [primary, ...workers] = await processesOf('app1');
    const inode = listeningInode(appPort);
    expect(inode).toBeDefined();
    // The primary keeps the socket it bound for the workers it restarts; each worker accepts
    // through ACCEPTORS_PER_WORKER descriptors of it (libuv takes one connection per descriptor per poll).
    expect(descriptorsOf(primary ?? 0, inode ?? '')).toBe(1);
    for (const worker of workers) expect(descriptorsOf(worker, inode ?? '')).toBe(ACCEPTORS_PER_WORKER);
  });

  it('answers on its one port from every worker, as the node', async () => {
    const [primary, ...workers] = await processesOf('app1');
    const sockets: Socket[] = [];
    try {
      // The workers share the node's one accept queue (shared-listener.ts): whichever is free
      // first takes a connection, so new connections are opened (at most 200) until every
      // worker has taken some. The primary never takes one.
      const owners = new Set<number>();
      while (owners.size < workers.length && sockets.length < 200) {
        const socket = await answeredConnection(appPort);
        sockets.push(socket);
        owners.add(acceptedBy([primary ?? 0, ...workers], appPort, socket.localPort ?? 0) ?? -1);
      }
      expect(owners).toEqual(new Set(workers));
    } finally {
      for (const s of sockets) s.destroy();
    }
    const answer = await getOnNewConnection('/products/1');
    expect(answer).toEqual({ status: 200, servedBy: 'app1' });
  });

  it("/metrics answers the node's sum, whichever worker is asked", async () => {
    const before = await cacheRequests();
    for (let i = 0; i < 30; i++) expect((await getOnNewConnection(`/products/${1 + (i % 7)}`)).status).toBe(200);
    // Each scrape is a new connection too, so different workers answer them: all say the same.
    const after = await Promise.all([cacheRequests(), cacheRequests(), cacheRequests()]);
    expect(after).toEqual([before + 30, before + 30, before + 30]);
    expect(await metric(app, 'shop_http_requests_total{route="product",method="GET",status="200"}')).toBeGreaterThanOrEqual(30);
  });

  it('survives a worker killed with SIGKILL, and starts another', async () => {
    const [primary, victim, ...others] = await processesOf('app1');
    process.kill(victim ?? 0, 'SIGKILL');
    // A connection handed out in the instant between the death and the primary's notice of it is
    // lost (node:cluster sends it to the dead worker); once noticed, the others take every one.
    const log = join(topo.home, topo.name, 'app1', 'app1.log');
    await eventually('the primary noticing', () => (readFileSync(log, 'utf8').includes(`worker ${victim ?? 0} was killed by SIGKILL`) ? true : undefined));
    for (let i = 0; i < 20; i++) expect((await getOnNewConnection('/products/2')).status).toBe(200);
    const back = await eventually('a new worker', async () => {
      const now = await processesOf('app1');
      return now.length === 4 && !now.includes(victim ?? 0) ? now : undefined;
    });
    expect(back[0]).toBe(primary);
    expect(back).toEqual(expect.arrayContaining(others));
    const status = await run('status');
    expect(status.code, status.stderr).toBe(0);
  });

  it('down leaves no process of the node behind', async () => {
    const all = [...(await processesOf('app1')), ...(await processesOf('app2'))];
    expect(all).toHaveLength(8);
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(survivors(all, join(topo.home, 'none'))).toEqual([]);
  });
});

describe('a pool budget over C', () => {
  it('is refused at up with 64, naming the keys and the sum', async () => {
    const over = testTopology('e2e-workers-over', 27150, (t) => {
      t.app.workers = 3;
      t.app.pools = { primary: 140 };
    });
    const up = await shopctl(over.home, ['up', '-t', over.file]);
    expect(up.code).toBe(64);
    expect(up.stderr).toContain(over.file);
    rmSync(over.home, { recursive: true, force: true });
    expect(up.stderr).toContain('app.pools.primary: 2 apps × app.workers 3 × app.pools.primary 140 + 10 reserved = 850 connections on the primary, over limits.connectionsPerDatabase 300');
  });
});
