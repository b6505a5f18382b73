import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { shopctl } from './support/cli.js';

// The CLI as a user runs it (bin/shopctl.js → dist/, built by the e2e project's setup). Nothing
// here starts a server: the export is files, and --check reads them.
const DEFAULT = fileURLToPath(new URL('../topology/default.yaml', import.meta.url));
const SEED_HA = fileURLToPath(new URL('../topology/seed-ha.yaml', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'shopctl-k8s-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface Built {
  kind: string;
  metadata: { name: string; namespace?: string };
}

function kubectlHere(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** `kubectl kustomize DIR`: offline, the objects `kubectl apply -k DIR` would send. */
function kustomize(dir: string): Built[] {
  const built = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(built.status, built.stderr).toBe(0);
  return parseAllDocuments(built.stdout).map((d) => d.toJS() as Built);
}

describe('shopctl export k8s', () => {
  it('writes a folder that its --check accepts, and refuses it (64) once a user edit breaks it, naming file, object and path', async () => {
    const dir = join(home, 'default');
    const exported = await shopctl(home, ['export', 'k8s', '-t', DEFAULT, '-o', dir, '--json'], 60_000);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ topology: 'default', namespace: 'default', image: `shopctl:${version}`, benchAgents: null, newSecrets: true });
    expect(exported.stderr).toContain(`kubectl apply --server-side -k ${dir}`);
    const checked = await shopctl(home, ['export', 'k8s', '--check', '-o', dir, '--json'], 60_000);
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout)).toMatchObject({ valid: true });

    const app = join(dir, 'app1.yaml');
    writeFileSync(app, readFileSync(app, 'utf8').replace('kind: Deployment\nmetadata:', 'kind: Deployment\nspec_typo: 1\nmetadata:'));
    const broken = await shopctl(home, ['export', 'k8s', '--check', '-o', dir], 60_000);
    expect(broken.code).toBe(64);
    expect(broken.stderr).toContain(`${app}: Deployment app1: spec_typo: unknown field`);
  });

  it('writes seed-ha with the bench Job in bench/, apart from the topology\'s kustomization', async () => {
    const dir = join(home, 'seed-ha');
    const exported = await shopctl(home, ['export', 'k8s', '-t', SEED_HA, '-o', dir, '--namespace', 'shop', '--image', 'registry.example/shopctl:1', '--bench-agents', '4'], 60_000);
    expect(exported.code, exported.stderr).toBe(0);
    const job = readFileSync(join(dir, 'bench', 'bench-agents.yaml'), 'utf8');
    expect(job).toContain('exec node /usr/local/lib/node_modules/shopctl/bin/shopctl.js bench -s "$SCENARIO" -t /etc/shopctl/topology.yaml --agent "$JOB_COMPLETION_INDEX/4" --start-at "$START_AT" --run-id "$RUN_ID" --target http://lb:18180 --out "/results/$RUN_ID/agent-$JOB_COMPLETION_INDEX"');
    expect(job).toContain('image: registry.example/shopctl:1');
    expect(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).not.toContain('bench');
    expect(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).toContain('namespace: shop');
    expect((await shopctl(home, ['export', 'k8s', '--check', '-o', dir], 60_000)).code).toBe(0);
    if (!kubectlHere()) return;
    // Where kubectl is installed, kustomize itself builds both folders as `kubectl apply -k` would.
    const topology = kustomize(dir);
    expect(topology.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'shop')).toBe(true);
    expect(topology.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata.name).sort()).toEqual(['monitor', 'mysql-primary', 'mysql-replica', 'redis-master', 'redis-replica', 'sentinel1', 'sentinel2', 'sentinel3']);
    const bench = kustomize(join(dir, 'bench'));
    const run = bench.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('bench-run-'));
    // The generated ConfigMap's hashed name is what the Job's references now say.
    expect(JSON.stringify(bench.find((o) => o.kind === 'Job'))).toContain(`"name":"${run?.metadata.name}"`);
  });

  it('refuses (64) compose-only flags, out-of-range agents, MySQL 8 nodes, and a folder that is not its export, writing nothing', async () => {
    const network = await shopctl(home, ['export', 'k8s', '-t', DEFAULT, '-o', join(home, 'n'), '--network', 'bridge'], 60_000);
    expect(network.code).toBe(64);
    expect(network.stderr).toContain('--network is for export compose');
    const agents = await shopctl(home, ['export', 'k8s', '-t', DEFAULT, '-o', join(home, 'n'), '--bench-agents', '65'], 60_000);
    expect(agents.code).toBe(64);
    expect(agents.stderr).toContain('--bench-agents');
    expect(existsSync(join(home, 'n'))).toBe(false);
    const foreign = join(home, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const refused = await shopctl(home, ['export', 'k8s', '-t', DEFAULT, '-o', foreign], 60_000);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('not a shopctl export; nothing was written');
    expect(existsSync(join(foreign, 'kustomization.yaml'))).toBe(false);
    const mysql8 = join(home, 'mysql8.yaml');
    writeFileSync(mysql8, readFileSync(DEFAULT, 'utf8').replace('mysql-primary: { kind: mysql, port: 13306 }', 'mysql-primary: { kind: mysql, port: 13306, flavor: mysql }'));
    const refusedMysql = await shopctl(home, ['export', 'k8s', '-t', mysql8, '-o', join(home, 'n')], 60_000);
    expect(refusedMysql.code).toBe(64);
    expect(refusedMysql.stderr).toContain('nodes.mysql-primary.flavor: "mysql" is not supported');
    expect(existsSync(join(home, 'n'))).toBe(false);
    // A valid topology whose copies share a server: the spread rule cannot hold (was exit 3).
    const oneServer = join(home, 'one-server.yaml');
    writeFileSync(oneServer, readFileSync(DEFAULT, 'utf8').replace('db-a: [mysql-primary, redis-master]', 'db-a: [mysql-primary, mysql-replica, redis-master]').replace('db-b: [mysql-replica, redis-replica]', 'db-b: [redis-replica]'));
    const refusedShared = await shopctl(home, ['export', 'k8s', '-t', oneServer, '-o', join(home, 'n')], 60_000);
    expect(refusedShared.code, refusedShared.stderr).toBe(64);
    expect(refusedShared.stderr).toContain('servers.db-a: mysql-primary and mysql-replica (mysql) are on one server');
    expect(existsSync(join(home, 'n'))).toBe(false);
    const compose = await shopctl(home, ['export', 'compose', '-t', DEFAULT, '-o', join(home, 'default')], 60_000);
    expect(compose.code).toBe(64);
    expect(compose.stderr).toContain('holds a k8s export, not compose');
  });
});
