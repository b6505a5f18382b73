import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLive, readProcStat } from '../src/provision/runtime/proc.js';
import { shopctl, startShopctl } from './support/cli.js';
import { eventually, recordedPids, survivors, takenPorts } from './support/processes.js';
import { testTopology } from './support/topology.js';

const homes: string[] = [];
// Whatever a test left running (an up that should have failed and did not) goes too.
afterAll(async () => {
  for (const home of homes) {
    await shopctl(home, ['down', '--all', '--purge']);
    rmSync(home, { recursive: true, force: true });
  }
});

function topology(name: string, basePort: number, edit?: Parameters<typeof testTopology>[2]) {
  const t = testTopology(name, basePort, edit);
  homes.push(t.home);
  return { ...t, run: (...args: string[]) => shopctl(t.home, [...args, '-t', t.file]) };
}

function nodeFolders(home: string, name: string): string[] {
  const root = join(home, name);
  return existsSync(root) ? readdirSync(root).filter((e) => !e.endsWith('.json') && e !== 'lock') : [];
}

describe('invalid topology files exit 64 and name the file and key', () => {
  const t = topology('e2e-badyaml', 28300);
  const cases: [string, string, RegExp][] = [
    ['a port that is not a number', 'name: x\nservers: {a: [lb]}\nnodes:\n  lb: {kind: nginx, port: "abc", upstreams: [app1]}\ncatalog: {products: 1, stock: {min: 1, max: 1}}\n', /nodes\.lb\.port: .*number/],
    ['an unknown key', readDefaultWith('  cacheTtlSeconds: 300', '  cacheTtlSecnods: 300'), /app: .*cacheTtlSecnods/],
    ['a replica of a missing node', readDefaultWith('replicaOf: mysql-primary', 'replicaOf: mysql-nope'), /nodes\.mysql-replica\.replicaOf: expected the name of a mysql node/],
    ['pools over the connection budget', readDefaultWith('  strategy: seed\n', '  strategy: seed\n  pools: { primary: 200 }\n'), /app\.pools\.primary: .*connections on the primary/],
    ['an unknown node kind', readDefaultWith('kind: nginx', 'kind: haproxy'), /nodes\.lb/],
    ['YAML that does not parse', 'name: [unclosed\n', /not valid YAML/],
  ];
  for (const [what, yaml, expected] of cases) {
    it(what, async () => {
      const file = join(t.home, 'broken.yaml');
      writeFileSync(file, yaml);
      const result = await shopctl(t.home, ['up', '-t', file]);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(file);
      expect(result.stderr).toMatch(expected);
      expect(readdirSync(t.home).filter((e) => !e.endsWith('.yaml'))).toEqual([]);
    });
  }

  it('a missing file', async () => {
    const result = await shopctl(t.home, ['up', '-t', join(t.home, 'nope.yaml')]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('no such file');
  });

  it('a bad flag value', async () => {
    const result = await t.run('up', '--driver', 'kubernetes');
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('driver');
  });

  it('export: an unknown format, an unknown network, a folder that is not an export', async () => {
    const format = await t.run('export', 'kubernetes');
    expect(format.code).toBe(64);
    expect(format.stderr).toContain("'kubernetes' is invalid for argument 'format'. Allowed choices are compose, k8s.");
    const network = await t.run('export', 'compose', '--network', 'overlay', '-o', join(t.home, 'out'));
    expect(network.code).toBe(64);
    expect(network.stderr).toContain('--network');
    const foreign = join(t.home, 'foreign');
    mkdirSync(foreign, { recursive: true });
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const refused = await t.run('export', 'compose', '-o', foreign);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('holds files that are not a shopctl export; nothing was written');
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });
});

/** The default topology with one line changed. */
function readDefaultWith(from: string, to: string): string {
  const text = readFileSync(new URL('../topology/default.yaml', import.meta.url), 'utf8');
  if (!text.includes(from)) throw new Error(`default.yaml has no "${from}"`);
  return text.replace(from, to);
}

describe('a port already in use', () => {
  const t = topology('e2e-port', 28400);
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  it('exits 3 naming the node and port, and starts nothing', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(t.ports['mysql-replica'], '127.0.0.1', resolve));
    const result = await t.run('up');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`node mysql-replica: port ${t.ports['mysql-replica']} on 127.0.0.1 is already in use`);
    expect(nodeFolders(t.home, t.name)).toEqual([]);
    const others = Object.entries(t.ports).filter(([node]) => node !== 'mysql-replica').map(([, port]) => port);
    expect(await takenPorts(others)).toEqual([]);
  });
});

describe('an app node whose port is taken', () => {
  const home = join(tmpdir(), `shopctl-serve-port-${process.pid}`);
  const port = 28409;
  let blocker: Server | undefined;
  afterAll(() => {
    blocker?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('serve exits 3 at once, naming the address, before any worker starts', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker?.listen(port, '127.0.0.1', resolve));
    mkdirSync(home, { recursive: true });
    const database = { host: '127.0.0.1', port: 1, user: 'u', password: 'p', database: 'shop', pool: 1 };
    const config = { node: 'app1', host: '127.0.0.1', port, strategy: 'seed', cacheTtlSeconds: 60, workers: 2, redis: { host: '127.0.0.1', port: 1, password: 'p' }, mysql: { primary: database, replica: database } };
    writeFileSync(join(home, 'service.json'), JSON.stringify(config));
    const started = Date.now();
    const result = await shopctl(home, ['serve', '--config', join(home, 'service.json')], 30_000);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`app1: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    expect(result.stderr).not.toMatch(/worker/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a server that will not start', () => {
  const t = topology('e2e-nostart', 28800);

  it('up exits 3 naming the node with its log, and a first up leaves nothing behind', async () => {
    // A redis-server earlier in PATH that refuses to start, as a broken install would.
    const fakeBin = join(t.home, 'fake-bin');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'redis-server'), '#!/bin/sh\necho "fake redis: refusing to start" >&2\nexit 1\n', { mode: 0o755 });
    const pids = new Set<number>();
    const collector = setInterval(() => recordedPids(t.home, t.name).forEach((p) => pids.add(p)), 20);
    const up = await shopctl(t.home, ['up', '-t', t.file], 150_000, { PATH: `${fakeBin}:${process.env.PATH ?? ''}` });
    clearInterval(collector);
    expect(up.code).toBe(3);
    expect(up.stderr).toMatch(/node redis-(master|replica) \(redis, port \d+\) did not become ready: .*the process exited with code 1/);
    expect(up.stderr).toContain('fake redis: refusing to start');
    expect(survivors([...pids], join(t.home, t.name))).toEqual([]);
    expect(await takenPorts(Object.values(t.ports))).toEqual([]);
    expect(existsSync(join(t.home, t.name))).toBe(false);
  });
});

describe('down and status with nothing up', () => {
  const t = topology('e2e-nothing', 28500);

  it('down exits 0, twice', async () => {
    expect((await t.run('down')).code).toBe(0);
    expect((await t.run('down', '--purge')).code).toBe(0);
  });

  it('status exits 3', async () => {
    const status = await t.run('status', '--json');
    expect(status.code).toBe(3);
    expect(JSON.parse(status.stdout)).toMatchObject({ topology: t.name, provisioned: false });
  });

  it('shell exits 3', async () => {
    const shell = await t.run('shell', 'mysql-primary', '-e', 'SELECT 1');
    expect(shell.code).toBe(3);
    expect(shell.stderr).toContain('not up');
  });
});

describe('the CLI interrupted in the middle of up', () => {
  const t = topology('e2e-killed', 28600, (y) => {
    y.catalog.products = 200;
  });
  const ports = Object.values(t.ports);

  afterAll(async () => {
    await t.run('down', '--purge');
  });

  interface Interrupted {
    code: number | null;
    stderr: string;
    /** Every server and task pid `up` recorded while it ran, read before and after the signal. */
    pids: number[];
  }

  /** Runs `up`, sends `signal` once `ready()` holds, and collects what it had started. */
  async function interruptUp(signal: NodeJS.Signals, ready: (stderr: string) => boolean): Promise<Interrupted> {
    const child = startShopctl(t.home, ['up', '-t', t.file]);
    let stderr = '';
    const pids = new Set<number>();
    const collect = () => [...recordedPids(t.home, t.name), ...recordedPids(t.home, t.name, 'task')].forEach((p) => pids.add(p));
    const collector = setInterval(collect, 20);
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      await eventually('the moment to interrupt up', () => (ready(stderr) ? true : undefined), 60_000);
      collect();
      child.kill(signal);
      return { code: await closed, stderr, pids: [...pids] };
    } finally {
      clearInterval(collector);
    }
  }

  it('SIGKILL: down afterwards leaves no process and no port', async () => {
    const { pids } = await interruptUp('SIGKILL', (err) => /mysql-(primary|replica) \(mysql\) ready/.test(err));
    expect(pids.length).toBeGreaterThan(0);
    const down = await t.run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(survivors(pids, join(t.home, t.name))).toEqual([]);
    expect(await takenPorts(ports)).toEqual([]);
  });

  it('SIGKILL while a database is being initialized: down stops the orphaned installer too', async () => {
    const installing = () => recordedPids(t.home, t.name, 'task').length > 0;
    await interruptUp('SIGKILL', installing);
    const installers = recordedPids(t.home, t.name, 'task');
    expect(installers.length).toBeGreaterThan(0);
    const down = await t.run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(recordedPids(t.home, t.name, 'task')).toEqual([]);
    expect(survivors(installers, join(t.home, t.name))).toEqual([]);
    expect(await takenPorts(ports)).toEqual([]);
  });

  it('up after a killed up starts over and succeeds', async () => {
    const up = await t.run('up');
    expect(up.code, up.stderr).toBe(0);
    const status = await t.run('status');
    expect(status.code, status.stderr).toBe(0);
    const down = await t.run('down', '--purge');
    expect(down.code).toBe(0);
  });

  it('a second up while the first runs exits 3 and leaves the first alone', async () => {
    const first = startShopctl(t.home, ['up', '-t', t.file]);
    let stderr = '';
    first.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually('the first up to start nodes', () => (/starting/.test(stderr) ? true : undefined), 30_000);
    const second = await t.run('up');
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/another shopctl \(pid \d+\) is working on topology e2e-killed/);
    const code = await new Promise<number | null>((resolve) => first.once('close', resolve));
    expect(code, stderr).toBe(0);
    expect((await t.run('down', '--purge')).code).toBe(0);
  });

  it('SIGINT: up rolls back by itself, exits 130 and leaves nothing behind', async () => {
    const { code, stderr, pids } = await interruptUp('SIGINT', (err) => /app\d \(app\) starting/.test(err));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('interrupted by SIGINT');
    expect(pids.length).toBeGreaterThanOrEqual(4);
    expect(survivors(pids, join(t.home, t.name))).toEqual([]);
    expect(await takenPorts(ports)).toEqual([]);
    expect(existsSync(join(t.home, t.name))).toBe(false);
  });

  it('SIGTERM while a database is being initialized: exits 143 and leaves nothing behind', async () => {
    const { code, stderr, pids } = await interruptUp('SIGTERM', () => recordedPids(t.home, t.name, 'task').length > 0);
    expect(code, stderr).toBe(143);
    expect(survivors(pids, join(t.home, t.name))).toEqual([]);
    expect(await takenPorts(ports)).toEqual([]);
    expect(existsSync(join(t.home, t.name))).toBe(false);
  });
});

describe('state that cannot be trusted is never guessed at', () => {
  const t = topology('e2e-state', 28700, (y) => {
    y.catalog.products = 100;
  });
  const root = join(t.home, t.name);

  afterAll(async () => {
    await t.run('down', '--purge');
  });

  it('a damaged state.json: up exits 3 and deletes nothing; up --fresh starts over', async () => {
    expect((await t.run('up')).code).toBe(0);
    const pids = recordedPids(t.home, t.name);
    writeFileSync(join(root, 'state.json'), '');
    const up = await t.run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toContain(`${join(root, 'state.json')} cannot be read`);
    expect(up.stderr).toContain('shopctl up --fresh');
    expect(existsSync(join(root, 'mysql-primary', 'data', 'shop'))).toBe(true);
    expect(pids.filter((pid) => isLive(readProcStat(pid)))).toEqual(pids);
    const fresh = await t.run('up', '--fresh', '--json');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ bootstrapped: true, products: 100 });
    expect((await t.run('down', '--purge')).code).toBe(0);
    expect(survivors(pids, root)).toEqual([]);
  });

  it('a folder that is not shopctl\'s is left alone by up, down --purge and down --all --purge', async () => {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'precious.txt'), 'keep me');
    const up = await t.run('up');
    expect(up.code).toBe(3);
    expect(up.stderr).toContain('not a shopctl topology');
    const down = await t.run('down', '--purge');
    expect(down.code).toBe(0);
    expect(down.stderr).toContain('left untouched');
    const all = await shopctl(t.home, ['down', '--all', '--purge']);
    expect(all.code).toBe(0);
    expect(readFileSync(join(root, 'precious.txt'), 'utf8')).toBe('keep me');
    rmSync(root, { recursive: true });
  });
});
