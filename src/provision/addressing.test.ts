import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { fileRoles } from '../failover/roles.js';
import { loadTopology } from '../topology/load.js';
import { findNode, type NodeOfKind } from '../topology/model.js';
import { accountHost, hostPort, httpOrigin } from './addressing.js';
import { topologyPaths } from './home.js';
import { serviceConfig } from './nodes/app.js';
import { primaryStatements, replicationSource, serverPasswords } from './nodes/mysql-bootstrap.js';
import { secureServerStatements } from './nodes/mysql-schema.js';
import { renderMysqlConfig } from './nodes/mysql-config.js';
import { renderRedisConfig } from './nodes/redis.js';
import type { RenderContext } from './render-context.js';
import { checkDockerPlacement, type DockerPlacement } from './runtime/docker/placement.js';
import { DockerRuntime } from './runtime/docker/docker-runtime.js';
import { ProcessRuntime } from './runtime/process-runtime.js';

const topology = loadTopology(new URL('../../topology/default.yaml', import.meta.url).pathname);
const paths = topologyPaths(topology.name, '/srv/shopctl');
const secrets = { redisPassword: 'r'.repeat(16), mysqlRootPassword: 'o'.repeat(16), mysqlAdminPassword: 'a'.repeat(16), mysqlReplicationPassword: 'p'.repeat(16), mysqlAppPassword: 's'.repeat(16) };
/** Configs as the runtime's addressing renders them (no program is launched here). */
const contextOn = (runtime: ProcessRuntime | DockerRuntime, t = topology): RenderContext => ({ topology: t, paths, secrets, addressing: runtime.addressing, programs: {}, runningAsRoot: false, roles: fileRoles(t) });
const loopback = contextOn(new ProcessRuntime());
const bridge = contextOn(new DockerRuntime({ ...topology, docker: { ...topology.docker, network: 'bridge' } }));
const node = <K extends 'app' | 'redis' | 'mysql'>(name: string) => findNode(topology, name) as NodeOfKind<K>;

describe('the configs on loopback (processes, or containers on the host network)', () => {
  it('listen on 127.0.0.1 and reach peers there', () => {
    expect(renderRedisConfig(node('redis-replica'), loopback)).toMatch(/^bind 127\.0\.0\.1\n[^]*^replicaof 127\.0\.0\.1 16379$/m);
    expect(renderMysqlConfig(node('mysql-replica'), loopback)).toContain('bind-address = 127.0.0.1');
    const app = serviceConfig(node('app1'), loopback);
    expect([app.host, app.redis.host, app.mysql.primary.host, app.mysql.replica.host]).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('let accounts in from loopback only', () => {
    expect(accounts(loopback)).toEqual([
      expect.stringContaining("'shopctl_admin'@'127.0.0.1'"),
      expect.stringContaining("'shopctl_repl'@'127.0.0.1'"),
      expect.stringContaining("'shopctl_app'@'127.0.0.1'"),
    ]);
  });
});

/** The accounts every server makes for itself, then those the primary makes for all. */
function accounts(ctx: RenderContext): string[] {
  const perServer = secureServerStatements(serverPasswords(ctx.secrets), accountHost(ctx.addressing));
  return [...perServer, ...primaryStatements(ctx)].filter((s) => s.startsWith('CREATE USER'));
}

describe('the configs on a bridge network', () => {
  it('listen on every interface of the container and reach peers by node name', () => {
    const redis = renderRedisConfig(node('redis-replica'), bridge);
    expect(redis).toMatch(/^bind 0\.0\.0\.0$/m);
    expect(redis).toMatch(/^replicaof redis-master 16379$/m);
    expect(redis).toMatch(/^requirepass /m);
    expect(renderMysqlConfig(node('mysql-replica'), bridge)).toContain('bind-address = 0.0.0.0');
    const app = serviceConfig(node('app1'), bridge);
    expect(app.host).toBe('0.0.0.0');
    expect([app.redis.host, app.mysql.primary.host, app.mysql.replica.host]).toEqual(['redis-master', 'mysql-primary', 'mysql-replica']);
  });

  it('point the replica at the primary by name, and let accounts in from the network', () => {
    expect(replicationSource(node('mysql-primary'), bridge)).toEqual({ host: 'mysql-primary', port: 13306, password: secrets.mysqlReplicationPassword });
    expect(accounts(bridge)).toEqual([
      expect.stringContaining("'shopctl_admin'@'%'"),
      expect.stringContaining("'shopctl_repl'@'%'"),
      expect.stringContaining("'shopctl_app'@'%'"),
    ]);
  });
});

describe('the configs of servers on several Docker hosts (docker.hosts, host network)', () => {
  const spread = { ...topology, docker: { ...topology.docker, hosts: { 'db-b': 'tcp://127.0.0.2:2375' } } };
  const ctx = contextOn(new DockerRuntime(spread), spread);

  it('put each node at its engine machine address: it listens there and its peers reach it there', () => {
    expect(ctx.addressing).toEqual({ kind: 'host', addresses: { 'mysql-replica': '127.0.0.2', 'redis-replica': '127.0.0.2' } });
    expect(renderMysqlConfig(node('mysql-replica'), ctx)).toContain('bind-address = 127.0.0.2');
    expect(renderRedisConfig(node('redis-replica'), ctx)).toMatch(/^bind 127\.0\.0\.2\n[^]*^replicaof 127\.0\.0\.1 16379$/m);
    const app = serviceConfig(node('app1'), ctx);
    expect([app.host, app.mysql.primary.host, app.mysql.replica.host]).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.2']);
  });

  it('let accounts in from any host, since connections now come from other machines', () => {
    expect(accounts(ctx)).toEqual([expect.stringContaining("@'%'"), expect.stringContaining("@'%'"), expect.stringContaining("@'%'")]);
  });
});

describe('placements whose nodes could not reach each other are refused before anything starts', () => {
  const placed = (docker: Partial<typeof topology.docker>) => {
    const placement: DockerPlacement = { ...topology, docker: { ...topology.docker, ...docker } };
    return { checkPlacement: (file: string) => checkDockerPlacement(placement, new DockerRuntime(placement).addressing, file) };
  };

  it('servers on this machine loopback mixed with servers on other machines', () => {
    const mixed = placed({ hosts: { 'db-b': 'tcp://10.0.0.3:2375' } });
    expect(() => mixed.checkPlacement('t.yaml')).toThrow(UsageError);
    expect(() => mixed.checkPlacement('t.yaml')).toThrow(/servers app-a, app-b, db-a are on this machine's loopback/);
  });

  it('but every server on its own machine address, or every one on this machine, is fine', () => {
    const everywhere = { 'app-a': 'tcp://10.0.0.1:2375', 'app-b': 'tcp://10.0.0.2:2375', 'db-a': 'tcp://10.0.0.3:2375', 'db-b': 'tcp://10.0.0.4:2375' };
    expect(() => placed({ hosts: everywhere }).checkPlacement('t.yaml')).not.toThrow();
    expect(() => placed({ hosts: { 'db-b': 'tcp://127.0.0.2:2375' } }).checkPlacement('t.yaml')).not.toThrow();
  });

  it('a bridge network on an engine of another machine, whose published ports this CLI cannot reach', () => {
    const remote = { 'app-a': 'tcp://10.0.0.5:2375', 'app-b': 'tcp://10.0.0.5:2375', 'db-a': 'tcp://10.0.0.5:2375', 'db-b': 'tcp://10.0.0.5:2375' };
    expect(() => placed({ network: 'bridge', hosts: remote }).checkPlacement('t.yaml')).toThrow(/bridge publishes ports on the engine's 127\.0\.0\.1, which this machine cannot reach on 10\.0\.0\.5/);
    const local = Object.fromEntries(['app-a', 'app-b', 'db-a', 'db-b'].map((server) => [server, 'unix:///var/run/docker.sock']));
    expect(() => placed({ network: 'bridge', hosts: local }).checkPlacement('t.yaml')).not.toThrow();
  });
});

describe('an IPv6 machine address', () => {
  it('is bracketed where a URL or nginx writes host:port', () => {
    const v6 = { kind: 'host', addresses: { lb: '::1' } } as const;
    expect(httpOrigin(v6, { name: 'lb', port: 18080 })).toBe('http://[::1]:18080');
    expect(hostPort('::1', 18080)).toBe('[::1]:18080');
    expect(hostPort('127.0.0.1', 18080)).toBe('127.0.0.1:18080');
  });
});
