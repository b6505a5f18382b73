import { execFileSync } from 'node:child_process';
import { readlinkSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shopctl } from '../support/cli.js';
import { testTopology } from '../support/topology.js';
import { startPrivateEngine, type PrivateEngine } from './private-engine.js';
import { startPrivateRegistry, type PrivateRegistry } from './private-registry.js';

/**
 * Two servers' worth of Docker hosts on one machine: the second engine listens on 127.0.0.2, an
 * address of this machine's loopback that stands for another host's, and runs server db-b. It
 * starts with no images: `up` pulls db-b's from a registry on loopback, as from Docker Hub.
 */
const SECOND_ENGINE = '127.0.0.2:29950';
const REGISTRY_PORT = 29960;
const PULLED = ['shopctl/mariadb:12', 'shopctl/redis:12'];
const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const pulled = (image: string) => `127.0.0.1:${REGISTRY_PORT}/${image}`;
const topo = testTopology('e2e-two-engines', 29900, (t) => {
  t.catalog.products = 500;
  t.docker = { ...t.docker, hosts: { 'db-b': `tcp://${SECOND_ENGINE}` }, images: { ...t.docker?.images, mariadb: pulled('shopctl/mariadb:12'), redis: pulled('shopctl/redis:12') } };
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
let registry: PrivateRegistry | undefined;
const onFirst = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: first }, stdio: 'ignore', timeout: 300_000 });

beforeAll(async () => {
  second = await startPrivateEngine({ tcp: SECOND_ENGINE });
  registry = await startPrivateRegistry(REGISTRY_PORT);
  // The first engine has the images it built; it pushes db-b's to the registry under its name.
  for (const image of PULLED) {
    onFirst('tag', image, pulled(image));
    onFirst('push', pulled(image));
  }
});

afterAll(async () => {
  await run('down', '--purge');
  await second?.stop();
  await registry?.stop();
  for (const image of PULLED) {
    try {
      onFirst('rmi', pulled(image)); // only the tag: the image stays under its own name
    } catch {
      // never tagged
    }
  }
  rmSync(topo.home, { recursive: true, force: true });
});

describe('servers on two Docker engines (docker.hosts), images pulled from a registry', () => {
  it('runs each server on its engine, at its machine address, and works end to end', async () => {
    const up = await run('up', '--driver', 'docker');
    expect(up.code, up.stderr).toBe(0);
    // The second engine had no image: it pulled both, with progress on the way.
    for (const image of PULLED) {
      expect(up.stderr).toContain(`pulling ${pulled(image)}…`);
      expect(up.stderr).toMatch(new RegExp(`pulled ${pulled(image).replaceAll('.', '\\.')} in \\d`));
    }
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
    // In containers on a shared CI machine (vfs storage, fsync per commit) a purchase in a few
    // hundred can wait past the seed lock's 2 s or its commit past the 4 s use deadline and be
    // answered 503 (service/waits.ts; CI saw 2 of 1 700 requests): the smoke's errors bound is
    // widened to 1 % here; every invariant must still hold.
    const verify = await run('verify', '--report', join(reports, readlinkSync(join(reports, 'latest'))), '--threshold', 'errors:rate<0.01');
    expect(verify.code, verify.stderr).toBe(0);

    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(labelledOn(host)).toEqual([]);
    expect(labelledOn(first)).toEqual([]);
  });

  it('an image the registry does not have fails up with 3 and leaves nothing on either engine', async () => {
    const broken = testTopology('e2e-pull-fails', 29970, (t) => {
      t.catalog.products = 50;
      t.docker = { ...t.docker, hosts: { 'db-b': `tcp://${SECOND_ENGINE}` }, images: { ...t.docker?.images, mariadb: pulled('shopctl/mariadb:12'), redis: pulled('shopctl/redis:12'), app: pulled('shopctl/nothing:1') } };
    }, DOCKER_LOCAL);
    const runBroken = (...args: string[]) => shopctl(broken.home, [...args, '-t', broken.file], 300_000, { DOCKER_HOST: first });
    try {
      const up = await runBroken('up', '--driver', 'docker');
      expect(up.code).toBe(3);
      expect(up.stderr).toContain(`image ${pulled('shopctl/nothing:1')} is not on the Docker engine and could not be pulled`);
      expect(up.stderr).toContain(`failed to pull ${pulled('shopctl/nothing:1')}`);
      const left = (host: string) => execFileSync('docker', ['ps', '-aq', '--filter', `label=io.shopctl.topology=${broken.name}`], { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' }).trim();
      expect(left(first)).toBe('');
      expect(left(second?.host ?? '')).toBe('');
    } finally {
      await runBroken('down', '--purge');
      rmSync(broken.home, { recursive: true, force: true });
    }
  });
});
