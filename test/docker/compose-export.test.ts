import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { shopctl } from '../support/cli.js';
import { testTopology } from '../support/topology.js';

const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const SEED_HA = fileURLToPath(new URL('../../topology/seed-ha.yaml', import.meta.url));
const topo = testTopology('e2e-compose', 29800, (t) => (t.catalog.products = 500), DOCKER_LOCAL);
const env = { ...process.env, DOCKER_HOST: inject('dockerHost') };
const project = 'shopctl-e2e-compose';
const exec = promisify(execFile);

const exportTo = (dir: string, network: 'host' | 'bridge') =>
  shopctl(topo.home, ['export', 'compose', '-t', topo.file, '--network', network, '-o', join(topo.home, dir), '--json'], 60_000);
const compose = (dir: string, ...args: string[]) =>
  exec('docker-compose', ['-p', project, ...args], { cwd: join(topo.home, dir), env, timeout: 600_000, encoding: 'utf8' });
const labelled = async (what: 'container' | 'volume' | 'network') => {
  const list = what === 'container' ? ['ps', '-a'] : [what, 'ls'];
  const { stdout } = await exec('docker', [...list, '-q', '--filter', `label=io.shopctl.exported-from=${topo.name}`], { env, encoding: 'utf8' });
  return stdout.trim();
};

afterAll(async () => {
  await compose('host', 'down', '-v', '--remove-orphans').catch(() => undefined);
  rmSync(topo.home, { recursive: true, force: true });
});

describe('shopctl export compose', () => {
  it('writes a project that docker-compose config accepts, for both networks', async () => {
    for (const network of ['host', 'bridge'] as const) {
      const exported = await exportTo(network, network);
      expect(exported.code, exported.stderr).toBe(0);
      const { stdout } = await compose(network, 'config');
      // What docker-compose itself read back: every node, the init step, the network mode.
      expect(stdout).toContain('db-init:');
      expect(stdout).toContain('condition: service_completed_successfully');
      if (network === 'host') expect(stdout).not.toContain('ports:');
      else expect(stdout).toContain(`127.0.0.1:${topo.ports.lb}:${topo.ports.lb}/tcp`);
    }
  });

  it('writes topology/seed-ha.yaml as a project docker-compose config accepts: three Sentinels and the monitor with its state volume', async () => {
    for (const network of ['host', 'bridge'] as const) {
      const dir = `seed-ha-${network}`;
      const exported = await shopctl(topo.home, ['export', 'compose', '-t', SEED_HA, '--network', network, '-o', join(topo.home, dir)], 60_000);
      expect(exported.code, exported.stderr).toBe(0);
      const { stdout } = await compose(dir, 'config');
      for (const service of ['sentinel1:', 'sentinel2:', 'sentinel3:', 'monitor:', 'shopctl_state:']) expect(stdout).toContain(service);
      expect(stdout).toContain('/shopctl/seed-ha/sentinel1/sentinel.conf.first');
      expect(stdout).not.toContain('docker.sock');
    }
  });

  it('the host-network project comes up, sells through the balancer, replicates, and goes without a trace', async () => {
    const began = Date.now();
    await compose('host', 'up', '-d');
    // up -d waits for every depends_on condition; nothing depends on the balancer, so its own
    // healthcheck is waited for here (bounded).
    let ps = '';
    for (let i = 0; i < 60 && ps.match(/Up \(healthy\)/g)?.length !== 7; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1000));
      ps = (await compose('host', 'ps')).stdout;
    }
    console.log(`docker-compose up -d to all healthy (host network, images present): ${((Date.now() - began) / 1000).toFixed(1)} s`);
    expect(ps).toMatch(/db-init_1 .* Exit 0/);
    expect(ps.match(/Up \(healthy\)/g), ps).toHaveLength(7);

    const lb = `http://127.0.0.1:${topo.ports.lb}`;
    const view = await fetch(`${lb}/products/3`);
    expect(view.status).toBe(200);
    const before = (await view.json()) as { stock: number };
    const order = await fetch(`${lb}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'compose-1' },
      body: JSON.stringify({ productId: 3, quantity: 2, userId: 'u-compose' }),
    });
    expect(order.status).toBe(201);

    // The replica got the order through replication (admin account of the exported secrets).
    const secrets = JSON.parse(readFileSync(join(topo.home, 'host', 'secrets.json'), 'utf8')) as { mysqlAdminPassword: string };
    const replica = await mysql.createConnection({ host: '127.0.0.1', port: topo.ports['mysql-replica'], user: 'shopctl_admin', password: secrets.mysqlAdminPassword });
    try {
      let row: { stock: number; orders: number } | undefined;
      for (let i = 0; i < 50 && row?.orders !== 1; i++) {
        const [rows] = await replica.query('SELECT p.stock, (SELECT COUNT(*) FROM shop.orders o WHERE o.idempotency_key = ?) AS orders FROM shop.products p WHERE p.id = 3', ['compose-1']);
        row = (rows as { stock: number; orders: number }[])[0];
        if (row?.orders !== 1) await new Promise((r) => setTimeout(r, 100));
      }
      expect(row).toEqual({ stock: before.stock - 2, orders: 1 });
    } finally {
      await replica.end();
    }

    await compose('host', 'down', '-v');
    expect(await labelled('container')).toBe('');
    expect(await labelled('volume')).toBe('');
    expect(await labelled('network')).toBe('');
  });
});
