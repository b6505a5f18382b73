import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readProcStat } from '../../src/provision/runtime/proc.js';
import { shopctl } from '../support/cli.js';
import { FIRST_WORDS, probe } from '../support/probe.js';
import { eventually } from '../support/processes.js';
import { testTopology } from '../support/topology.js';

// Fault commands on the docker driver (issue #13): the engine's kill, pause and unpause on real
// containers, on the host network so that every node's port is on 127.0.0.1 here.
const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const topo = testTopology('e2e-docker-faults', 29750, (t) => (t.catalog.products = 200), DOCKER_LOCAL);
const env = { DOCKER_HOST: inject('dockerHost') };
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file], 300_000, env);
const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
const labelled = (what: 'ps' | 'network' | 'volume') =>
  docker(...(what === 'ps' ? ['ps', '-a'] : [what, 'ls']), '-q', '--filter', `label=io.shopctl.topology=${topo.name}`);

interface ContainerState {
  id: string;
  running: boolean;
  paused: boolean;
  /** Every process of the container, pids on this machine (`docker top`); empty when it does not run. */
  pids: number[];
}

/** The node's server container as the engine sees it, found by its labels. */
function serverContainer(node: string): ContainerState | undefined {
  const ids = docker('ps', '-a', '-q', '--no-trunc', '--filter', `label=io.shopctl.topology=${topo.name}`, '--filter', `label=io.shopctl.node=${node}`, '--filter', 'label=io.shopctl.role=server');
  if (ids === '') return undefined;
  expect(ids.split('\n'), `containers of ${node}`).toHaveLength(1);
  const state = JSON.parse(docker('inspect', '--format', '{{json .State}}', ids)) as { Running: boolean; Paused: boolean };
  const pids = state.Running ? docker('top', ids, '-o', 'pid').split('\n').slice(1).map(Number) : [];
  return { id: ids, running: state.Running, paused: state.Paused, pids };
}

/** What must not change when a command changes nothing: the same container, in the same state. */
const sameContainer = (node: string) => {
  const c = serverContainer(node);
  return c === undefined ? undefined : { id: c.id, running: c.running, paused: c.paused };
};

const alive = (pid: number) => {
  const state = readProcStat(pid)?.state;
  return state !== undefined && state !== 'Z';
};

type Fault = { action: string; node?: string };

async function activeFaults(): Promise<Fault[]> {
  const list = await run('fault', 'list', '--json');
  expect(list.code, list.stderr).toBe(0);
  return (JSON.parse(list.stdout) as { active: Fault[] }).active;
}

/** faults.json as it is on disk (undefined when absent): what a refused command must leave alone. */
function faultsFile(): string | undefined {
  const file = join(topo.home, topo.name, 'faults.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

async function healthy(): Promise<void> {
  await eventually('every node healthy', async () => ((await run('status')).code === 0 ? true : undefined), 90_000);
}

/** An app, a database replica and nginx, with what each answers first. */
const NODES = [
  { node: 'app1', hello: FIRST_WORDS.http },
  { node: 'mysql-replica', hello: FIRST_WORDS.mysql },
  { node: 'lb', hello: FIRST_WORDS.http },
] as const;
const portOf = (node: string) => topo.ports[node] as number;

beforeAll(async () => {
  const began = Date.now();
  const up = await run('up', '--driver', 'docker');
  expect(up.code, up.stderr).toBe(0);
  console.log(`up --driver docker: ${((Date.now() - began) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  await run('down', '--purge');
  rmSync(topo.home, { recursive: true, force: true });
});

describe('fault kill and restart on containers', () => {
  it.each(NODES)('$node: the container and its processes are gone, then a new container serves and status is whole', async ({ node, hello }) => {
    const before = serverContainer(node);
    expect(before?.running).toBe(true);
    expect(before?.pids.length).toBeGreaterThan(0);
    expect(await probe(portOf(node), hello)).toBe('answered');

    const kill = await run('fault', 'kill', node, '--json');
    expect(kill.code, kill.stderr).toBe(0);
    expect(kill.stderr).toContain(`${node}: killed`);
    // The container stays, stopped, for `up` to replace; none of its processes survives.
    expect(serverContainer(node)).toMatchObject({ id: before?.id, running: false });
    expect(before?.pids.filter(alive)).toEqual([]);
    expect(await probe(portOf(node), hello)).toBe('refused');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'kill', node })]);
    const status = await run('status');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(new RegExp(`${node}\\s.*DOWN\\s+not running`));

    const restart = await run('fault', 'restart', node);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stderr).toContain(`${node}: restarted`);
    const after = serverContainer(node);
    expect(after?.running).toBe(true);
    expect(after?.id).not.toBe(before?.id);
    expect(await probe(portOf(node), hello)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
    // A replica rejoined its primary; nginx and the app reach their upstreams again.
    await healthy();
  });

  it('a paused container is thawed and killed: its processes are gone, the kill replaces the pause', async () => {
    const before = serverContainer('redis-replica');
    expect((await run('fault', 'pause', 'redis-replica')).code).toBe(0);
    expect(serverContainer('redis-replica')?.paused).toBe(true);
    const kill = await run('fault', 'kill', 'redis-replica');
    expect(kill.code, kill.stderr).toBe(0);
    expect(serverContainer('redis-replica')).toMatchObject({ id: before?.id, running: false, paused: false });
    expect(before?.pids.filter(alive)).toEqual([]);
    expect(await probe(portOf('redis-replica'), FIRST_WORDS.redis)).toBe('refused');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'kill', node: 'redis-replica' })]);
    const restart = await run('fault', 'restart', 'redis-replica');
    expect(restart.code, restart.stderr).toBe(0);
    expect(await probe(portOf('redis-replica'), FIRST_WORDS.redis)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
    await healthy();
  });
});

describe('fault pause and resume on containers', () => {
  it.each(NODES)('$node: frozen (a connect is taken but never answered), shown paused, then answers again', async ({ node, hello }) => {
    expect(await probe(portOf(node), hello)).toBe('answered');
    const pause = await run('fault', 'pause', node, '--json');
    expect(pause.code, pause.stderr).toBe(0);
    expect(serverContainer(node)).toMatchObject({ running: true, paused: true });
    expect(await probe(portOf(node), hello)).toBe('silent');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'pause', node })]);

    const status = await run('status');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(new RegExp(`${node}\\s.*DOWN\\s+paused \\(shopctl fault resume or heal thaws it\\)`));
    const json = await run('status', '--json');
    expect(json.code).toBe(3);
    expect((JSON.parse(json.stdout) as { faults: Fault[] }).faults).toEqual([expect.objectContaining({ action: 'pause', node })]);

    const resume = await run('fault', 'resume', node);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(`${node}: resumed`);
    expect(serverContainer(node)).toMatchObject({ running: true, paused: false });
    expect(await probe(portOf(node), hello, 3000)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
    await healthy();
  });

  it('resume of a container that is not paused says so and exits 0, changing nothing', async () => {
    const before = sameContainer('redis-replica');
    const resume = await run('fault', 'resume', 'redis-replica');
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain('redis-replica: was not paused');
    expect(sameContainer('redis-replica')).toEqual(before);
    expect(await activeFaults()).toEqual([]);
  });
});

describe('fault heal and partition on the docker driver', () => {
  it('heal with no node thaws a paused container and starts a killed one again', async () => {
    expect((await run('fault', 'pause', 'redis-replica')).code).toBe(0);
    const killed = serverContainer('app2');
    expect((await run('fault', 'kill', 'app2')).code).toBe(0);
    expect(await probe(portOf('redis-replica'), FIRST_WORDS.redis)).toBe('silent');
    expect(await probe(portOf('app2'), FIRST_WORDS.http)).toBe('refused');
    const both = await activeFaults();
    expect(both).toHaveLength(2);
    expect(both).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'pause', node: 'redis-replica' }), expect.objectContaining({ action: 'kill', node: 'app2' })]));

    const heal = await run('fault', 'heal');
    expect(heal.code, heal.stderr).toBe(0);
    expect(heal.stderr).toContain('redis-replica: resumed');
    expect(heal.stderr).toContain('app2: started again');
    expect(serverContainer('redis-replica')).toMatchObject({ running: true, paused: false });
    const restarted = serverContainer('app2');
    expect(restarted?.running).toBe(true);
    expect(restarted?.id).not.toBe(killed?.id);
    expect(await probe(portOf('redis-replica'), FIRST_WORDS.redis)).toBe('answered');
    expect(await probe(portOf('app2'), FIRST_WORDS.http)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
    await healthy();
  });

  it('partition is refused (64) on the docker driver and changes nothing', async () => {
    const before = sameContainer('app1');
    const recorded = faultsFile();
    const partition = await run('fault', 'partition', '--isolate', 'app1');
    expect(partition.code, partition.stderr).toBe(64);
    expect(partition.stderr).toContain('partitions are implemented for the local driver only');
    expect(await activeFaults()).toEqual([]);
    expect(faultsFile()).toEqual(recorded);
    expect(sameContainer('app1')).toEqual(before);
    expect((await run('status')).code).toBe(0);
  });
});

describe('down with a fault in force', () => {
  it('a paused container is thawed and removed: down exits 0 and leaves nothing labelled', async () => {
    expect((await run('fault', 'pause', 'mysql-replica')).code).toBe(0);
    expect(serverContainer('mysql-replica')?.paused).toBe(true);
    const began = Date.now();
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    console.log(`down with mysql-replica paused: ${((Date.now() - began) / 1000).toFixed(1)} s`);
    expect(labelled('ps')).toBe('');
    expect(labelled('network')).toBe('');
    expect(labelled('volume')).toBe('');
  });
});
