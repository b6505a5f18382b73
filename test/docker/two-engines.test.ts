import { execFileSync } from 'node:child_process';
import { readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shopctl } from '../support/cli.js';
import { testTopology } from '../support/topology.js';
import { startPrivateEngine, type PrivateEngine } from './private-engine.js';

/**
 * Two servers' worth of Docker hosts on one machine: the second engine listens on 127.0.0.2, an
 * address of this machine's loopback that stands for another host's, and runs server db-b.
 */
const SECOND_ENGINE = '127.0.0.2:29950';
const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const topo = testTopology('e2e-two-engines', 29900, (t) => {
  t.catalog.products = 500;
  t.docker = { ...t.docker, hosts: { 'db-b': `tcp://${SECOND_ENGINE}` } };
}, DOCKER_LOCAL);
const first = inject('dockerHost');
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file], 300_000, { DOCKER_HOST: first });
const labelledOn = (host: string) =>
  execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `label=io.shopctl.topology=${topo.name}`], { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean)
    .sort();
const answers = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

let second: PrivateEngine | undefined;

beforeAll(async () => {
  second = await startPrivateEngine({ tcp: SECOND_ENGINE });
  // No registry: the second engine gets the images db-b needs from the first.
  execFileSync('sh', ['-c', `docker save shopctl/mariadb:12 shopctl/redis:12 | DOCKER_HOST=${second.host} docker load`], { env: { ...process.env, DOCKER_HOST: first }, stdio: 'ignore', timeout: 300_000 });
});

afterAll(async () => {
  await run('down', '--purge');
  await second?.stop();
  rmSync(topo.home, { recursive: true, force: true });
});

describe('servers on two Docker engines (docker.hosts)', () => {
  it('runs each server on its engine, at its machine address, and works end to end', async () => {
    const up = await run('up', '--driver', 'docker');
    expect(up.code, up.stderr).toBe(0);
    const host = second?.host ?? '';
    expect(labelledOn(host)).toEqual([`shopctl-${topo.name}-mysql-replica`, `shopctl-${topo.name}-redis-replica`]);
    expect(labelledOn(first)).toEqual(['app1', 'app2', 'lb', 'mysql-primary', 'redis-master'].map((n) => `shopctl-${topo.name}-${n}`));

    // db-b's nodes listen on their machine's address only; the others on 127.0.0.1.
    expect(await answers('127.0.0.2', topo.ports['mysql-replica'] ?? 0)).toBe(true);
    expect(await answers('127.0.0.1', topo.ports['mysql-replica'] ?? 0)).toBe(false);
    expect(await answers('127.0.0.2', topo.ports['redis-replica'] ?? 0)).toBe(true);
    expect(await answers('127.0.0.1', topo.ports['mysql-primary'] ?? 0)).toBe(true);

    const status = await run('status', '--json');
    expect(status.code, status.stderr).toBe(0);

    // Views read the replica across engines, verify audits it there (I6).
    const reports = join(topo.home, 'reports');
    const bench = await run('bench', '-s', 'smoke', '--duration', '3s', '--warmup', '1s', '--out', reports);
    expect(bench.code, bench.stderr).toBe(0);
    const verify = await run('verify', '--report', join(reports, readlinkSync(join(reports, 'latest'))));
    expect(verify.code, verify.stderr).toBe(0);

    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(labelledOn(host)).toEqual([]);
    expect(labelledOn(first)).toEqual([]);
  });
});
