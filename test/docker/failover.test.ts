import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import type { FailoverState } from '../../src/failover/state.js';
import type { TopologyStatus } from '../../src/provision/status.js';
import { shopctl } from '../support/cli.js';
import { order } from '../support/orders.js';
import { eventually } from '../support/processes.js';
import { testTopology } from '../support/topology.js';

// Issue #14 on the docker driver: topology/seed-ha.yaml (three Sentinels, semisync, the failover
// monitor) as containers on the host network, from the local images of docker-local.yaml. The
// monitor runs in a container of its own and fences through the engine's socket, mounted in it.
const SEED_HA = fileURLToPath(new URL('../../topology/seed-ha.yaml', import.meta.url));
const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const topo = testTopology(
  'e2e-docker-failover',
  29800,
  (t) => {
    t.catalog.products = 200;
    t.app.workers = 1;
    // The cases follow each other closely: the monitor may fail over again after 5 s, not 60.
    Object.assign(t.nodes.monitor ?? {}, { cooldownS: 5 });
    t.docker = { images: (parse(readFileSync(DOCKER_LOCAL, 'utf8')) as { docker: { images: Record<string, string> } }).docker.images };
  },
  SEED_HA,
);
const env = { DOCKER_HOST: inject('dockerHost') };
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file], 300_000, env);
const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
const labelled = (what: 'ps' | 'network' | 'volume') =>
  docker(...(what === 'ps' ? ['ps', '-a'] : [what, 'ls']), '-q', '--filter', `label=io.shopctl.topology=${topo.name}`);
const lb = `http://127.0.0.1:${topo.ports.lb}`;

/** The node's server container as the engine sees it, found by its labels. */
function serverContainer(node: string): { id: string; running: boolean; binds: string[]; env: string[] } | undefined {
  const id = docker('ps', '-a', '-q', '--filter', `label=io.shopctl.topology=${topo.name}`, '--filter', `label=io.shopctl.node=${node}`, '--filter', 'label=io.shopctl.role=server');
  if (id === '') return undefined;
  const info = JSON.parse(docker('inspect', id)) as [{ State: { Running: boolean }; HostConfig: { Binds: string[] }; Config: { Env: string[] } }];
  return { id, running: info[0].State.Running, binds: info[0].HostConfig.Binds, env: info[0].Config.Env };
}

async function status(): Promise<{ code: number; doc: TopologyStatus }> {
  const result = await run('status', '--json');
  return { code: result.code, doc: JSON.parse(result.stdout) as TopologyStatus };
}
const nodeOf = (doc: TopologyStatus, name: string) => doc.nodes.find((n) => n.name === name);
const failoverJson = () => JSON.parse(readFileSync(join(topo.home, topo.name, 'failover.json'), 'utf8')) as FailoverState;

/** Every node healthy again (a rejoin or a Sentinel's reconfiguration takes a few seconds). */
async function healthy(): Promise<TopologyStatus> {
  return eventually('every node healthy', async () => {
    const { code, doc } = await status();
    return code === 0 ? doc : undefined;
  }, 90_000);
}

/** The roles status reports, once `until` holds. */
async function rolesWhen(what: string, until: (failover: NonNullable<TopologyStatus['failover']>) => boolean): Promise<NonNullable<TopologyStatus['failover']>> {
  return eventually(what, async () => {
    const { doc } = await status();
    return doc.failover !== null && until(doc.failover) ? doc.failover : undefined;
  }, 60_000);
}

/** A purchase through the balancer sells (201): the apps found the writers. */
async function sells(productId: number): Promise<void> {
  const attempt = await eventually(`a purchase of product ${productId} through the LB`, async () => {
    const result = await order(lb, { productId, quantity: 1 });
    return result.status === 201 ? result : undefined;
  }, 30_000);
  expect(attempt.body.orderId).toBeGreaterThan(0);
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

beforeAll(async () => {
  const began = Date.now();
  const up = await run('up', '--driver', 'docker');
  expect(up.code, up.stderr).toBe(0);
  console.log(`up --driver docker (seed-ha, 11 containers): ${seconds(began)}`);
});

afterAll(async () => {
  await run('down', '--purge');
  rmSync(topo.home, { recursive: true, force: true });
});

describe.sequential('seed-ha on the docker driver', () => {
  it('up: every node healthy, the three Sentinels and the monitor in containers; the monitor has the package, the topology, the state and the engine', async () => {
    const { code, doc } = await status();
    expect(code).toBe(0);
    const sentinels = doc.nodes.filter((n) => n.kind === 'sentinel');
    expect(sentinels.map((n) => [n.name, n.healthy, n.replication?.quorumOk])).toEqual([1, 2, 3].map((i) => [`sentinel${i}`, true, true]));
    expect(nodeOf(doc, 'monitor')).toMatchObject({ healthy: true, replication: { role: 'monitor', epoch: 0, primary: 'mysql-primary' } });
    expect(doc.failover).toMatchObject({ epoch: 0, mysqlPrimary: 'mysql-primary', redisMaster: 'redis-master' });
    for (const node of [...sentinels.map((n) => n.name), 'monitor']) expect(serverContainer(node)?.running, node).toBe(true);

    const monitor = serverContainer('monitor');
    const root = join(topo.home, topo.name);
    expect(monitor?.binds).toEqual(expect.arrayContaining([`${topo.home}:${topo.home}:ro`, `${root}:${root}`]));
    expect(monitor?.env).toContain(`DOCKER_HOST=${env.DOCKER_HOST}`);
    // A unix engine's socket is mounted at its path; a tcp one is reached on the host network.
    const engine = new URL(env.DOCKER_HOST);
    if (engine.protocol === 'unix:') expect(monitor?.binds).toContain(`${engine.pathname}:${engine.pathname}`);
    // Sentinel rewrites its config in the mounted node folder.
    expect(readFileSync(join(root, 'sentinel1', 'sentinel.conf'), 'utf8')).toMatch(/^sentinel known-sentinel /m);
  });

  // Semisync without fallback: a primary whose one replica is down acknowledges no purchase, so
  // sales are checked once the nodes are back (test/failover.test.ts shows the wait itself).
  it('fault kill mysql-primary: the monitor promotes the replica (epoch 1)', async () => {
    const began = Date.now();
    const kill = await run('fault', 'kill', 'mysql-primary');
    expect(kill.code, kill.stderr).toBe(0);
    await rolesWhen('mysql-replica promoted', (f) => f.mysqlPrimary === 'mysql-replica' && f.epoch === 1);
    console.log(`kill of the primary → promotion seen by status: ${seconds(began)}`);
    const [promotion] = failoverJson().promotions;
    // The engine (through the socket mounted in the monitor's container) said the node was gone.
    expect(promotion).toMatchObject({ epoch: 1, kind: 'failover', from: 'mysql-primary', to: 'mysql-replica', fencing: 'down' });
  });

  it('fault kill redis-master: the Sentinels promote redis-replica', async () => {
    const began = Date.now();
    const kill = await run('fault', 'kill', 'redis-master');
    expect(kill.code, kill.stderr).toBe(0);
    await rolesWhen('redis-replica promoted by the Sentinels', (f) => f.redisMaster === 'redis-replica');
    console.log(`kill of the Redis master → Sentinel promotion seen by status: ${seconds(began)}`);
  });

  it('fault heal: the old primary rejoins as a replica, the old master follows the new one; the apps sell on the new writers', async () => {
    const began = Date.now();
    const heal = await run('fault', 'heal');
    expect(heal.code, heal.stderr).toBe(0);
    expect(heal.stderr).toContain('mysql-primary: started again');
    expect(heal.stderr).toContain('redis-master: started again');
    const doc = await healthy();
    console.log(`heal → every node healthy: ${seconds(began)}`);
    expect(nodeOf(doc, 'mysql-primary')?.role).toBe('replica');
    expect(nodeOf(doc, 'mysql-replica')?.role).toBe('primary');
    expect(nodeOf(doc, 'redis-master')?.role).toBe('replica');
    expect(failoverJson().rejoins).toEqual([expect.objectContaining({ node: 'mysql-primary', epoch: 1, errantGtids: '' })]);
    await sells(11);
  });

  it('fault pause of the new primary: the monitor, from its container, kills it through the engine and promotes (epoch 2)', async () => {
    const paused = serverContainer('mysql-replica');
    const began = Date.now();
    const pause = await run('fault', 'pause', 'mysql-replica');
    expect(pause.code, pause.stderr).toBe(0);
    await rolesWhen('mysql-primary promoted again', (f) => f.mysqlPrimary === 'mysql-primary' && f.epoch === 2);
    console.log(`pause of the primary → fenced by kill and promotion seen by status: ${seconds(began)}`);
    expect(failoverJson().promotions[1]).toMatchObject({ epoch: 2, from: 'mysql-replica', to: 'mysql-primary', fencing: 'killed' });
    // The same container, stopped by the engine's kill: it no longer holds its clients.
    expect(serverContainer('mysql-replica')).toMatchObject({ id: paused?.id, running: false });

    const heal = await run('fault', 'heal');
    expect(heal.code, heal.stderr).toBe(0);
    expect(heal.stderr).toContain('mysql-replica: started again');
    const doc = await healthy();
    expect(nodeOf(doc, 'mysql-replica')?.role).toBe('replica');
    expect(failoverJson().rejoins.at(-1)).toMatchObject({ node: 'mysql-replica', epoch: 2 });
    await sells(12);
  });

  it('down removes every container, the Sentinels and the monitor included', async () => {
    const began = Date.now();
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    console.log(`down: ${seconds(began)}`);
    expect(labelled('ps')).toBe('');
    expect(labelled('network')).toBe('');
    expect(labelled('volume')).toBe('');
  });
});
