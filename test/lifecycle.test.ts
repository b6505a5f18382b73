import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopctl } from './support/cli.js';
import { eventually, recordedPids, survivors, takenPorts } from './support/processes.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-life', 28100);
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file]);
const ports = Object.values(topo.ports);

/** Config and state files of a topology (not the databases' own data or logs). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'data' || entry.name === 'tmp' ? [] : filesUnder(path);
    return entry.isFile() && !entry.name.endsWith('.log') ? [path] : [];
  });
}

/** Sends bytes that are not HTTP, as a broken client would, and returns the raw answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.once('end', () => resolve(answer));
    socket.once('error', reject);
  });
}

interface StatusJson {
  topology: string;
  nodes: { name: string; kind: string; role: string; healthy: boolean; pid: number | null; port: number; replication: Record<string, unknown> | null }[];
}

describe('up → status → replication → LB → down', () => {
  let pids: number[] = [];

  beforeAll(async () => {
    const up = await run('up');
    expect(up.code, up.stderr).toBe(0);
    pids = recordedPids(topo.home, topo.name);
  });

  afterAll(async () => {
    await run('down', '--purge');
    rmSync(topo.home, { recursive: true, force: true });
  });

  it('reports every node healthy with pid, port, role and replication', async () => {
    const status = await run('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout) as StatusJson;
    expect(doc.topology).toBe(topo.name);
    expect(doc.nodes.map((n) => n.name).sort()).toEqual(['app1', 'app2', 'lb', 'mysql-primary', 'mysql-replica', 'redis-master', 'redis-replica']);
    for (const node of doc.nodes) {
      expect(node.healthy, node.name).toBe(true);
      expect(node.pid, node.name).toBeGreaterThan(0);
      expect(node.port).toBe(topo.ports[node.name]);
    }
    const replica = doc.nodes.find((n) => n.name === 'mysql-replica');
    expect(replica?.role).toBe('replica');
    expect(replica?.replication).toMatchObject({ ioRunning: 'Yes', sqlRunning: 'Yes' });
    expect(doc.nodes.find((n) => n.name === 'redis-replica')?.replication).toMatchObject({ linkStatus: 'up' });
  });

  it('replicates a row written on the primary to the replica', async () => {
    const write = await run('shell', 'mysql-primary', '-e', "INSERT INTO products (id, name, price_cents, stock, initial_stock) VALUES (990001, 'e2e row', 100, 5, 5); SELECT COUNT(*) FROM products WHERE id = 990001");
    expect(write.code, write.stderr).toBe(0);
    const seen = await eventually('the row on the replica', async () => {
      const read = await run('shell', 'mysql-replica', '-e', 'SELECT name FROM products WHERE id = 990001');
      return read.stdout.includes('e2e row') ? read.stdout : undefined;
    });
    expect(seen).toContain('e2e row');
  });

  it('replicates a key set on the redis master to the replica', async () => {
    const set = await run('shell', 'redis-master', '-e', 'SET e2e:key hello-replica');
    expect(set.stdout).toContain('OK');
    const seen = await eventually('the key on the redis replica', async () => {
      const get = await run('shell', 'redis-replica', '-e', 'GET e2e:key');
      return get.stdout.includes('hello-replica') ? get.stdout : undefined;
    });
    expect(seen).toContain('hello-replica');
  });

  it('answers GET through nginx from both apps, cache miss then hit', async () => {
    const lb = `http://127.0.0.1:${topo.ports.lb}`;
    const first = await fetch(`${lb}/products/7`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const body = (await first.json()) as { id: number; stock: number };
    expect(body.id).toBe(7);
    expect(body.stock).toBeGreaterThanOrEqual(100);
    const second = await fetch(`${lb}/products/7`);
    expect(second.headers.get('x-cache')).toBe('HIT');
    await second.body?.cancel();
    const servedBy = new Set<string | null>();
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${lb}/healthz`);
      servedBy.add(r.headers.get('x-served-by'));
      await r.body?.cancel();
    }
    expect([...servedBy].sort()).toEqual(['app1', 'app2']);
  });

  it('answers errors as JSON, from the apps and from nginx itself', async () => {
    const lb = `http://127.0.0.1:${topo.ports.lb}`;
    const invalid = await fetch(`${lb}/products/1%27%20OR%201=1`);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid_product_id' });
    const unknown = await fetch(`${lb}/products/99999999`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'product_not_found' });
    const tooLarge = await fetch(`${lb}/orders`, { method: 'POST', body: 'x'.repeat(64 * 1024), headers: { 'content-type': 'application/json' } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toContain('application/json');
    expect(await tooLarge.json()).toMatchObject({ error: 'payload_too_large' });
    const garbage = await rawRequest(topo.ports.lb ?? 0, 'GARBAGE LINE\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toContain('Content-Type: application/json');
    expect(garbage).toContain('{"error":"bad_request",');
  });

  it('nginx started without alerts (file limits, sockets)', () => {
    const log = readFileSync(join(topo.home, topo.name, 'lb', 'error.log'), 'utf8');
    expect(log).not.toMatch(/\[(alert|emerg|crit)\]/);
  });

  it('shell refuses unknown nodes, non-database nodes and failing statements with 64', async () => {
    const unknown = await run('shell', 'mysql-nope', '-e', 'SELECT 1');
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('no node "mysql-nope"');
    const lb = await run('shell', 'lb');
    expect(lb.code).toBe(64);
    expect(lb.stderr).toContain('shell opens mysql, redis and sentinel nodes');
    const bad = await run('shell', 'mysql-primary', '-e', 'SELEKT 1');
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('SQL syntax');
    const several = await run('shell', 'mysql-replica', '-e', 'SELECT 1 AS one; SELECT 2 AS two');
    expect(several.code, several.stderr).toBe(0);
    expect(several.stdout).toMatch(/one\n1\ntwo\n2/);
  });

  it('keeps secrets in 0600 files and gives the app account only what it needs', async () => {
    const root = join(topo.home, topo.name);
    const secrets = JSON.parse(readFileSync(join(root, 'secrets.json'), 'utf8')) as Record<string, string>;
    // Every file that holds any of the passwords is readable by its owner only.
    const holders = filesUnder(root).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return Object.values(secrets).some((password) => text.includes(password));
    });
    expect(holders.map((f) => f.slice(root.length + 1)).sort()).toEqual(
      ['app1/service.json', 'app2/service.json', 'mysql-primary/client.cnf', 'mysql-replica/client.cnf', 'redis-master/redis.conf', 'redis-replica/redis.conf', 'secrets.json'],
    );
    for (const file of holders) expect(statSync(file).mode & 0o777, file).toBe(0o600);
    const app = await mysql.createConnection({ host: '127.0.0.1', port: topo.ports['mysql-primary'], user: 'shopctl_app', password: secrets.mysqlAppPassword, database: 'shop' });
    try {
      await expect(app.query('UPDATE products SET stock = stock - 1, version = version + 1 WHERE id = 990001')).resolves.toBeDefined();
      await expect(app.query("INSERT INTO orders (product_id, user_id, quantity, idempotency_key) VALUES (990001, 'u1', 1, 'e2e-key-1')")).resolves.toBeDefined();
      await expect(app.query('DELETE FROM orders')).rejects.toThrow(/DELETE command denied/);
      await expect(app.query("UPDATE products SET name = 'renamed' WHERE id = 1")).rejects.toThrow(/UPDATE command denied|denied/);
      await expect(app.query('UPDATE products SET stock = -1 WHERE id = 990001')).rejects.toThrow(/CONSTRAINT .*products_stock_not_negative/);
      await expect(app.query('DROP TABLE orders')).rejects.toThrow(/denied/);
      await expect(app.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
    } finally {
      await app.end();
    }
    const replica = await mysql.createConnection({ host: '127.0.0.1', port: topo.ports['mysql-replica'], user: 'shopctl_app', password: secrets.mysqlAppPassword, database: 'shop' });
    try {
      await expect(replica.query('UPDATE products SET stock = stock - 1 WHERE id = 1')).rejects.toThrow(/read-only/);
    } finally {
      await replica.end();
    }
  });

  it('a second up is a quick no-op that starts nothing', async () => {
    const again = await run('up', '--json');
    expect(again.code, again.stderr).toBe(0);
    const result = JSON.parse(again.stdout) as { started: string[]; alreadyRunning: string[]; ms: number };
    expect(result.started).toEqual([]);
    expect(result.alreadyRunning).toHaveLength(7);
    expect(result.ms).toBeLessThan(5000);
    expect(recordedPids(topo.home, topo.name).sort()).toEqual([...pids].sort());
  });

  it('down leaves no process and no listening port; down again is fine', async () => {
    expect(pids).toHaveLength(7);
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(survivors(pids, topo.home)).toEqual([]);
    expect(await takenPorts(ports)).toEqual([]);
    const again = await run('down');
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing was running');
    const status = await run('status');
    expect(status.code).toBe(3);
  });

  it('up after down keeps the data: no new bootstrap, the rows written before are there', async () => {
    const up = await run('up', '--json');
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout) as { started: string[]; bootstrapped: boolean };
    expect(result.started).toHaveLength(7);
    expect(result.bootstrapped).toBe(false);
    const read = await run('shell', 'mysql-replica', '-e', 'SELECT name FROM products WHERE id = 990001; SELECT COUNT(*) AS orders FROM orders');
    expect(read.stdout).toContain('e2e row');
    expect(read.stdout).toMatch(/orders\n1\n/);
  });

  it('up --fresh starts over from an empty catalog of the topology', async () => {
    const up = await run('up', '--fresh', '--json');
    expect(up.code, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout) as { bootstrapped: boolean; products: number };
    expect(result).toMatchObject({ bootstrapped: true, products: 10_000 });
    const read = await run('shell', 'mysql-primary', '-e', 'SELECT COUNT(*) AS n FROM products WHERE id = 990001');
    expect(read.stdout).toMatch(/n\n0\n/);
  });
});
