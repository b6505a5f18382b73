import { execFileSync } from 'node:child_process';
import { readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { shopctl } from '../support/cli.js';
import { testTopology } from '../support/topology.js';

const DOCKER_LOCAL = fileURLToPath(new URL('../../topology/docker-local.yaml', import.meta.url));
const topo = testTopology('e2e-docker', 29700, (t) => (t.catalog.products = 500), DOCKER_LOCAL);
const env = { DOCKER_HOST: inject('dockerHost') };
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file], 300_000, env);
const docker = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
const labelled = (what: 'ps' | 'network' | 'volume') =>
  docker(...(what === 'ps' ? ['ps', '-a'] : [what, 'ls']), '-q', '--filter', `label=io.shopctl.topology=${topo.name}`);

afterAll(async () => {
  await run('down', '--purge');
  rmSync(topo.home, { recursive: true, force: true });
});

describe('the docker driver on a real engine (host networking)', () => {
  it('up → status → smoke bench → verify, a killed app container fails status, down leaves nothing labelled', async () => {
    const began = Date.now();
    const up = await run('up', '--driver', 'docker');
    expect(up.code, up.stderr).toBe(0);
    console.log(`up --driver docker (images present): ${((Date.now() - began) / 1000).toFixed(1)} s`);
    expect(labelled('ps').split('\n')).toHaveLength(7);

    const status = await run('status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const nodes = (JSON.parse(status.stdout) as { nodes: { name: string; pid: number | null; healthy: boolean }[] }).nodes;
    expect(nodes.every((n) => n.healthy && n.pid !== null)).toBe(true);

    const reports = join(topo.home, 'reports');
    const bench = await run('bench', '-s', 'smoke', '--duration', '3s', '--warmup', '1s', '--out', reports);
    expect(bench.code, bench.stderr).toBe(0);
    console.log(`smoke bench in containers: ${bench.stderr.split('\n').find((l) => l.startsWith('throughput')) ?? ''}`);
    // In containers on a shared CI machine (vfs storage, fsync per commit) a purchase in a few
    // hundred can wait past the seed lock's 2 s or its commit past the 4 s use deadline and be
    // answered 503 (service/waits.ts; CI saw 2 of 1 700 requests): the smoke's errors bound is
    // widened to 1 % here; every invariant must still hold.
    const verify = await run('verify', '--report', join(reports, readlinkSync(join(reports, 'latest'))), '--threshold', 'errors:rate<0.01');
    expect(verify.code, verify.stderr).toBe(0);

    const otherDriver = await run('up', '--driver', 'local');
    expect(otherDriver.code).toBe(64);
    expect(otherDriver.stderr).toContain('was brought up with --driver docker');

    docker('kill', `shopctl-${topo.name}-app1`);
    const sick = await run('status');
    expect(sick.code).toBe(3);
    expect(sick.stderr).toMatch(/app1 .*not running/);
    expect(sick.stderr).toMatch(/\napp1:\nlast lines of \S+app1\.log:\n/);

    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(labelled('ps')).toBe('');
    expect(labelled('network')).toBe('');
    expect(labelled('volume')).toBe('');
  });
});
