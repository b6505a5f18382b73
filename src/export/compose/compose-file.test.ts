import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadTopology } from '../../topology/load.js';
import { generateSecrets } from '../../provision/secrets.js';
import { composeExport, INIT_SERVICE } from './compose-file.js';

const topology = loadTopology(new URL('../../../topology/default.yaml', import.meta.url).pathname);
const secrets = generateSecrets();
const host = composeExport(topology, 'host', secrets);
const bridge = composeExport(topology, 'bridge', secrets);
const nodes = topology.nodes.map((n) => n.name);

describe('the compose export of the default topology', () => {
  it('has a service per node plus the database setup, each with a healthcheck and a labelled volume', () => {
    expect(Object.keys(host.document.services).sort()).toEqual([...nodes, INIT_SERVICE].sort());
    for (const name of nodes) {
      const service = host.document.services[name];
      expect(service?.healthcheck?.test.length, name).toBeGreaterThan(1);
      expect(service?.volumes[0]).toBe(`${name}:/shopctl/default/${name}`);
      expect(service?.labels).toMatchObject({ 'io.shopctl.exported-from': 'default', 'io.shopctl.node': name });
      expect(service?.labels['io.shopctl.topology']).toBeUndefined(); // shopctl down never touches it
    }
    expect(Object.keys(host.document.volumes).sort()).toEqual([...nodes].sort());
  });

  it('starts in the order up does: databases, their setup, apps, then the balancer', () => {
    const { services } = host.document;
    expect(services[INIT_SERVICE]?.depends_on).toEqual({ 'mysql-primary': { condition: 'service_healthy' }, 'mysql-replica': { condition: 'service_healthy' } });
    expect(services.app1?.depends_on).toEqual({ 'redis-master': { condition: 'service_healthy' }, [INIT_SERVICE]: { condition: 'service_completed_successfully' } });
    expect(services['redis-replica']?.depends_on).toEqual({ 'redis-master': { condition: 'service_healthy' } });
    expect(services.lb?.depends_on).toEqual({ app1: { condition: 'service_healthy' }, app2: { condition: 'service_healthy' } });
    expect(services[INIT_SERVICE]?.restart).toBe('no');
    expect(services[INIT_SERVICE]?.network_mode).toBe('none');
  });

  it('runs what up runs, from the mounted configs, installing a database only on its first start', () => {
    const mysql = host.document.services['mysql-primary'];
    expect(mysql?.command).toEqual(['mariadbd', '--defaults-file=/shopctl/default/mysql-primary/my.cnf', '--user=root']);
    expect(mysql?.volumes).toContain('./config/mysql-primary/my.cnf:/shopctl/default/mysql-primary/my.cnf:ro');
    expect(mysql?.entrypoint[2]).toMatch(/\[ -f \/shopctl\/default\/mysql-primary\/initialized \] \|\| \{ rm -rf .* && mariadb-install-db .* && date -u > .*initialized; \}/);
    // Compose interpolates $: the shell's own are escaped.
    expect(mysql?.entrypoint[2]).toMatch(/exec "\$\$0" "\$\$@"$/);
    expect(host.document.services.app1?.command.slice(0, 1)).toEqual(['node']);
    expect(host.files.map((f) => f.path)).toEqual(expect.arrayContaining(['config/lb/nginx.conf', 'config/app1/service.json', 'init/init.sh', 'init/catalog.sql']));
  });

  it('host: every container on the host network, nothing published', () => {
    for (const name of nodes) expect(host.document.services[name]).toMatchObject({ network_mode: 'host' });
    expect(JSON.stringify(host.document)).not.toContain('"ports"');
    expect(host.document.networks).toBeUndefined();
    expect(host.files.find((f) => f.path === 'config/app1/service.json')?.content).toContain('"host": "127.0.0.1"');
  });

  it('bridge: a labelled network of its own, peers by name, ports published on 127.0.0.1 only', () => {
    expect(bridge.document.networks).toEqual({ shop: { driver: 'bridge', labels: { 'io.shopctl.managed': 'true', 'io.shopctl.exported-from': 'default' } } });
    expect(bridge.document.services.lb).toMatchObject({ networks: ['shop'], ports: ['127.0.0.1:18080:18080'] });
    expect(bridge.files.find((f) => f.path === 'config/lb/nginx.conf')?.content).toContain('server app1:18081');
    const replicaSql = bridge.files.find((f) => f.path === 'init/replica-mysql-replica.sql')?.content;
    expect(replicaSql).toContain("MASTER_HOST = 'mysql-primary', MASTER_PORT = 13306");
    expect(bridge.files.find((f) => f.path === 'init/primary.sql')?.content).toContain("'shopctl_app'@'%'");
  });

  it('keeps every password out of the compose file itself, in 0600 files beside it', () => {
    const yaml = JSON.stringify([host.document, bridge.document]);
    for (const password of [secrets.redisPassword, secrets.mysqlRootPassword, secrets.mysqlAdminPassword, secrets.mysqlAppPassword, secrets.mysqlReplicationPassword]) expect(yaml).not.toContain(password);
    expect(host.files.filter((f) => f.content.includes(secrets.mysqlAppPassword)).every((f) => f.secret)).toBe(true);
    expect(host.files.filter((f) => f.content.includes(secrets.redisPassword)).every((f) => f.secret)).toBe(true);
  });
});

describe('the compose export of a topology with ha.redis: sentinel', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'shopctl-compose-')), 'sentinels.yaml');
  const yaml = parse(readFileSync(new URL('../../../topology/default.yaml', import.meta.url), 'utf8')) as { ha?: unknown; nodes: Record<string, unknown>; servers: Record<string, string[]> };
  yaml.ha = { redis: 'sentinel' };
  ['app-a', 'db-a', 'db-b'].forEach((server, i) => {
    yaml.nodes[`sentinel${i + 1}`] = { kind: 'sentinel', port: 26379 + i };
    yaml.servers[server]?.push(`sentinel${i + 1}`);
  });
  writeFileSync(file, stringify(yaml));
  const ha = composeExport(loadTopology(file), 'bridge', secrets);
  const sentinel = ha.document.services.sentinel1;

  it('runs each Sentinel from the redis image on a config it may rewrite: copied into its volume on the first start', () => {
    expect(sentinel?.command).toEqual(['redis-server', '/shopctl/default/sentinel1/sentinel.conf', '--sentinel']);
    expect(sentinel?.volumes).toContain('./config/sentinel1/sentinel.conf:/shopctl/default/sentinel1/sentinel.conf.first:ro');
    expect(sentinel?.volumes.some((v) => v.endsWith('/sentinel.conf:ro'))).toBe(false);
    expect(sentinel?.entrypoint[2]).toContain('{ [ -f /shopctl/default/sentinel1/sentinel.conf ] || cp /shopctl/default/sentinel1/sentinel.conf.first /shopctl/default/sentinel1/sentinel.conf; }');
    expect(sentinel?.healthcheck?.test.join(' ')).toContain('sentinel get-master-addr-by-name shop');
    expect(sentinel?.depends_on).toEqual({ 'redis-master': { condition: 'service_healthy' }, 'redis-replica': { condition: 'service_healthy' } });
  });

  it("with Sentinel, a Redis node's config is copied into its volume once, so a promotion Sentinel writes there survives a restart", () => {
    const replica = ha.document.services['redis-replica'];
    expect(replica?.volumes).toContain('./config/redis-replica/redis.conf:/shopctl/default/redis-replica/redis.conf.first:ro');
    expect(replica?.entrypoint[2]).toContain('{ [ -f /shopctl/default/redis-replica/redis.conf ] || cp /shopctl/default/redis-replica/redis.conf.first /shopctl/default/redis-replica/redis.conf; }');
    // Without Sentinel nothing rewrites it: mounted where the server reads it.
    expect(composeExport(loadTopology(undefined), 'host', secrets).document.services['redis-replica']?.volumes.some((v) => v.endsWith('/redis.conf:ro'))).toBe(true);
  });

  it('points the Sentinels at the master by name and the apps at the Sentinels', () => {
    const conf = ha.files.find((f) => f.path === 'config/sentinel1/sentinel.conf');
    expect(conf?.secret).toBe(true);
    expect(conf?.content).toContain('sentinel monitor shop redis-master 16379 2');
    const service = JSON.parse(ha.files.find((f) => f.path === 'config/app1/service.json')?.content ?? '{}') as { redis: unknown };
    expect(service.redis).toMatchObject({ masterName: 'shop', sentinels: [{ host: 'sentinel1', port: 26379 }, { host: 'sentinel2', port: 26380 }, { host: 'sentinel3', port: 26381 }] });
    expect(ha.document.services.app1?.depends_on).toMatchObject({ sentinel1: { condition: 'service_healthy' }, sentinel3: { condition: 'service_healthy' } });
  });
});

describe('the compose export of topology/seed-ha.yaml (Sentinels and the failover monitor)', () => {
  const seedHa = loadTopology(new URL('../../../topology/seed-ha.yaml', import.meta.url).pathname);
  const ha = composeExport(seedHa, 'bridge', secrets);
  const monitor = ha.document.services.monitor;
  const file = (path: string) => ha.files.find((f) => f.path === path)?.content ?? '';

  it('runs the three Sentinels from the redis image and the monitor from the app image, after the database setup', () => {
    for (const name of ['sentinel1', 'sentinel2', 'sentinel3']) expect(ha.document.services[name]?.command).toEqual(['redis-server', `/shopctl/seed-ha/${name}/sentinel.conf`, '--sentinel']);
    expect(monitor?.image).toBe(ha.document.services.app1?.image);
    expect(monitor?.command.slice(0, 1)).toEqual(['node']);
    expect(monitor?.command.slice(2)).toEqual(['monitor', '--config', '/shopctl/seed-ha/monitor/monitor.json']);
    expect(monitor?.depends_on).toEqual({ [INIT_SERVICE]: { condition: 'service_completed_successfully' } });
    expect(monitor?.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('gives the monitor the topology as the project runs it, the state and secrets, its record in a volume, the databases\' folders', () => {
    expect(monitor?.volumes).toEqual(expect.arrayContaining([
      'shopctl_state:/shopctl/seed-ha',
      'mysql-primary:/shopctl/seed-ha/mysql-primary',
      'mysql-replica:/shopctl/seed-ha/mysql-replica',
      './config/monitor/topology.yaml:/shopctl/seed-ha.yaml:ro',
      './config/monitor/state.json:/shopctl/seed-ha/state.json:ro',
      './secrets.json:/shopctl/seed-ha/secrets.json:ro',
    ]));
    expect(ha.document.volumes.shopctl_state).toEqual({ labels: { 'io.shopctl.managed': 'true', 'io.shopctl.exported-from': 'seed-ha' } });
    expect(JSON.parse(file('config/monitor/monitor.json'))).toMatchObject({ topologyFile: '/shopctl/seed-ha.yaml', stateRoot: '/shopctl/seed-ha', host: '0.0.0.0', port: 18190 });
    expect(JSON.parse(file('config/monitor/state.json'))).toMatchObject({ topology: 'seed-ha', file: '/shopctl/seed-ha.yaml', driver: 'docker' });
  });

  it('mounts no engine socket: the compose monitor fences by read-only only (a primary that does not answer is not failed over)', () => {
    expect(JSON.stringify(monitor)).not.toContain('docker.sock');
    expect(monitor?.environment?.DOCKER_HOST).toBeUndefined();
  });

  it('writes a topology copy that loads as the same topology, on the project\'s network, on one engine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopctl-compose-ha-'));
    const withHosts = join(dir, 'two-engines.yaml');
    const yaml = parse(readFileSync(seedHa.file, 'utf8')) as { docker?: unknown };
    yaml.docker = { hosts: { 'db-b': 'tcp://10.0.0.4:2375' } };
    writeFileSync(withHosts, stringify(yaml));
    const copy = join(dir, 'copy.yaml');
    writeFileSync(copy, composeExport(loadTopology(withHosts), 'bridge', secrets).files.find((f) => f.path === 'config/monitor/topology.yaml')?.content ?? '');
    const loaded = loadTopology(copy);
    expect(loaded.name).toBe('seed-ha');
    expect(loaded.docker).toMatchObject({ network: 'bridge', hosts: {} });
    expect(loaded.nodes.map((n) => n.name)).toEqual(seedHa.nodes.map((n) => n.name));
    expect(loaded.ha).toEqual(seedHa.ha);
  });
});
