import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { loadTopology } from './load.js';
import { loadBalancerOf, primaryOf, replicasOf } from './model.js';

/** The parts of a topology file these tests change, loosely typed so they can break them. */
interface EditableTopology {
  nodes: Record<string, { port: number | string; replicaOf?: string; upstreams?: string[]; threads?: number }>;
  servers: Record<string, (string | undefined)[]>;
  app: { strategy: string; workers?: number; pools?: { primary?: number; replica?: number } };
  catalog: { stock: { min: number; max: number } };
  docker?: { hosts?: Record<string, string>; network?: string };
}
type Edit = (t: EditableTopology) => void;

const DEFAULT = new URL('../../topology/default.yaml', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'shopctl-topology-'));

/** Writes the default topology changed by `edit`; returns the file. */
function edited(edit: Edit): string {
  const yaml = parse(readFileSync(DEFAULT, 'utf8')) as EditableTopology;
  edit(yaml);
  const file = join(dir, `t-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(yaml));
  return file;
}

/** Writes the default topology changed by `edit` and returns the loader's error lines. */
function errorsOf(edit: Edit, cores = 2): string[] {
  const file = edited(edit);
  try {
    loadTopology(file, cores);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const e = error as UsageError;
    expect(e.exitCode).toBe(64);
    expect(e.message).toContain(file);
    return e.details.map((line) => line.replace(`${file}: `, ''));
  }
  throw new Error('expected the topology to be rejected');
}

describe('the default topology', () => {
  const topology = loadTopology(new URL(DEFAULT).pathname);

  it('is the seed design: 7 nodes on 4 servers, C = 300', () => {
    expect(topology.name).toBe('default');
    expect(topology.nodes).toHaveLength(7);
    expect(new Set(topology.nodes.map((n) => n.server)).size).toBe(4);
    expect(topology.limits).toEqual({ maxServers: 4, connectionsPerDatabase: 300 });
    expect(topology.app.strategy).toBe('seed');
    expect(topology.catalog.products).toBe(10_000);
  });

  it('fits C = 300 on 2 cores and on 16: workers and pools follow the machine', () => {
    expect(loadTopology(new URL(DEFAULT).pathname, 2).app).toMatchObject({ workers: 1, pools: { primary: 145, replica: 145 } });
    expect(loadTopology(new URL(DEFAULT).pathname, 16).app).toMatchObject({ workers: 4, pools: { primary: 36, replica: 36 } });
  });

  it('resolves roles', () => {
    expect(loadBalancerOf(topology).upstreams).toEqual(['app1', 'app2']);
    expect(primaryOf(topology, 'mysql').name).toBe('mysql-primary');
    expect(replicasOf(topology, 'mysql').map((n) => n.name)).toEqual(['mysql-replica']);
    expect(primaryOf(topology, 'redis').name).toBe('redis-master');
    expect(replicasOf(topology, 'redis').map((n) => n.role)).toEqual(['replica']);
  });
});

describe('an invalid topology names the key and the expectation', () => {
  it.each<[string, Edit, string]>([
    ['wrong type', (t) => (t.nodes.lb!.port = 'eighty'), 'nodes.lb.port: Invalid input: expected number, received string'],
    ['port out of range', (t) => (t.nodes.app1!.port = 80), 'nodes.app1.port: expected a port from 1024 to 65535'],
    ['duplicate port', (t) => (t.nodes.app2!.port = t.nodes.app1!.port), 'nodes.app2.port: port 18081 is also node "app1"\'s'],
    ['unknown key', (t) => (t.nodes.app1!.threads = 4), 'nodes.app1: Unrecognized key: "threads"'],
    ['replica of another kind', (t) => (t.nodes['redis-replica']!.replicaOf = 'mysql-primary'), 'nodes.redis-replica.replicaOf: expected the name of a redis node, got "mysql-primary"'],
    ['upstream that is not an app', (t) => (t.nodes.lb!.upstreams = ['app1', 'redis-master']), 'nodes.lb.upstreams.1: expected the name of an app node, got "redis-master"'],
    ['too many servers', (t) => (t.servers['extra'] = [t.servers['app-b']!.pop()]), 'servers: expected at most limits.maxServers = 4 servers, found 5'],
    ['unknown node on a server', (t) => (t.servers['app-b'] = ['app2', 'ghost']), 'servers.app-b.1: unknown node "ghost"'],
    ['node on no server', (t) => (t.servers['app-b'] = []), 'servers: node "app2" is on no server; list it under one'],
    ['node on two servers', (t) => t.servers['app-b']!.push('app1'), 'servers.app-b.1: node "app1" is already on server "app-a"'],
    ['docker engine of an unknown server', (t) => (t.docker = { hosts: { 'db-z': 'tcp://127.0.0.1:2375' } }), 'docker.hosts.db-z: unknown server "db-z"; the servers are app-a, app-b, db-a, db-b'],
    ['docker engine that is not an address', (t) => (t.docker = { hosts: { 'db-a': 'somewhere' } }), 'docker.hosts.db-a: expected unix://…, tcp://… or http(s)://…'],
    ['bridge network across engines', (t) => (t.docker = { network: 'bridge', hosts: { 'db-a': 'tcp://127.0.0.2:2375' } }), 'docker.network: expected host when docker.hosts places servers on 2 engines (a bridge network spans one engine)'],
    ['unknown network mode', (t) => (t.docker = { network: 'overlay' }), 'docker.network: Invalid option: expected one of "host"|"bridge"'],
    ['two mysql primaries', (t) => delete t.nodes['mysql-replica']!.replicaOf, 'nodes: expected exactly one mysql node without replicaOf (the primary), found 2'],
    ['stock range upside down', (t) => (t.catalog.stock = { min: 10, max: 1 }), 'catalog.stock: expected min <= max'],
    ['unknown strategy', (t) => (t.app.strategy = 'optimistic'), 'app.strategy: Invalid option: expected one of "seed"|"atomic"|"batched"'],
  ])('%s', (_what, edit, expected) => {
    expect(errorsOf(edit)).toContain(expected);
  });

  it('a node name ending in a dash (no Kubernetes Service could carry it)', () => {
    const errors = errorsOf((t) => {
      t.nodes['app2-'] = t.nodes.app2!;
      delete t.nodes.app2;
    });
    expect(errors).toContain('nodes.app2-: Invalid key in record');
    expect(errorsOf((t) => ((t as unknown as { name: string }).name = 'shop-'))).toContain(
      'name: expected a lowercase name of letters, digits and dashes, starting with a letter and not ending with a dash (at most 31)',
    );
  });

  it('pools that do not fit C connections per database', () => {
    const errors = errorsOf((t) => (t.app.pools = { replica: 150 }));
    expect(errors).toEqual(['app.pools.replica: 2 apps × app.workers 1 × app.pools.replica 150 + 10 reserved = 310 connections on the replica, over limits.connectionsPerDatabase 300']);
  });

  it('pinned pools shrink the default workers of 16 cores to what fits, but written workers are refused', () => {
    expect(loadTopology(edited((t) => (t.app.pools = { primary: 140 })), 16).app).toMatchObject({ workers: 1, pools: { primary: 140 } });
    const errors = errorsOf((t) => ((t.app.pools = { primary: 140 }), (t.app.workers = 4)), 16);
    expect(errors).toEqual(['app.pools.primary: 2 apps × app.workers 4 × app.pools.primary 140 + 10 reserved = 1130 connections on the primary, over limits.connectionsPerDatabase 300']);
  });

  it('topology/docker-local.yaml (pools pinned at 140) loads on 16 cores with one worker per app', () => {
    expect(loadTopology(new URL('../../topology/docker-local.yaml', import.meta.url).pathname, 16).app).toMatchObject({ workers: 1, pools: { primary: 140, replica: 140 } });
  });

  it('a YAML syntax error names the line', () => {
    const file = join(dir, 'syntax.yaml');
    writeFileSync(file, 'name: default\nnodes:\n  lb: {kind: nginx\n');
    expect(() => loadTopology(file)).toThrow(`${file} is not valid YAML`);
  });

  it('duplicate keys are rejected instead of silently overwritten', () => {
    const file = join(dir, 'dup.yaml');
    writeFileSync(file, readFileSync(DEFAULT, 'utf8').replace('name: default', 'name: default\nname: other'));
    expect(() => loadTopology(file)).toThrow('is not valid YAML');
  });
});

describe('ha.redis: sentinel names what it is missing', () => {
  /** The default topology with sentinel nodes on the first `count` servers, and `ha.redis` as given. */
  const withSentinels = (count: number, ha: string | undefined): Edit => (t) => {
    const servers = Object.keys(t.servers);
    for (let i = 0; i < count; i++) {
      t.nodes[`sentinel${i + 1}`] = { kind: 'sentinel', port: 26379 + i } as EditableTopology['nodes'][string];
      t.servers[servers[i % servers.length] as string]!.push(`sentinel${i + 1}`);
    }
    if (ha !== undefined) (t as EditableTopology & { ha?: unknown }).ha = { redis: ha };
  };

  it('three sentinels and a redis replica load, each Sentinel in its role', () => {
    const topology = loadTopology(edited(withSentinels(3, 'sentinel')));
    expect(topology.ha.redis).toBe('sentinel');
    expect(topology.nodes.filter((n) => n.kind === 'sentinel').map((n) => n.role)).toEqual(['sentinel', 'sentinel', 'sentinel']);
  });

  it.each<[string, Edit, string[]]>([
    ['two sentinels cannot fail over safely', withSentinels(2, 'sentinel'), ['ha.redis: expected 3 nodes of kind sentinel for ha.redis: sentinel (quorum 2), found 2']],
    ['no sentinel at all', withSentinels(0, 'sentinel'), ['ha.redis: expected 3 nodes of kind sentinel for ha.redis: sentinel (quorum 2), found 0']],
    ['sentinel nodes without ha.redis', withSentinels(3, undefined), ['nodes.sentinel1.kind: a sentinel node needs ha.redis: sentinel', 'nodes.sentinel2.kind: a sentinel node needs ha.redis: sentinel', 'nodes.sentinel3.kind: a sentinel node needs ha.redis: sentinel']],
    [
      'no redis replica to promote',
      (t) => {
        withSentinels(3, 'sentinel')(t);
        delete t.nodes['redis-replica'];
        t.servers['db-b'] = t.servers['db-b']!.filter((n) => n !== 'redis-replica');
      },
      ['ha.redis: expected a redis node with replicaOf: Sentinel promotes a replica'],
    ],
    ['an unknown mode', withSentinels(3, 'cluster'), ['ha.redis: Invalid option: expected one of "none"|"sentinel"']],
  ])('%s', (_what, edit, expected) => {
    expect(errorsOf(edit)).toEqual(expected);
  });
});

describe('ha.mysql names what it is missing', () => {
  type WithHa = EditableTopology & { ha?: { mysql?: Record<string, string> } };
  const SEED_HA = new URL('../../topology/seed-ha.yaml', import.meta.url).pathname;
  const withMysqlHa = (mysql: Record<string, string>): Edit => (t) => ((t as WithHa).ha = { mysql });
  const withMonitor: Edit = (t) => {
    t.nodes.monitor = { kind: 'monitor', port: 18190 } as EditableTopology['nodes'][string];
    t.servers['app-b']!.push('monitor');
  };
  const withoutMysqlReplica: Edit = (t) => {
    delete t.nodes['mysql-replica'];
    t.servers['db-b'] = t.servers['db-b']!.filter((n) => n !== 'mysql-replica');
  };

  it('topology/seed-ha.yaml loads: semisync, automatic failover, one monitor node in its role', () => {
    const topology = loadTopology(SEED_HA, 2);
    expect(topology.ha.mysql).toEqual({ failover: 'auto', replication: 'semisync' });
    expect(topology.nodes.filter((n) => n.kind === 'monitor').map((n) => [n.name, n.role])).toEqual([['monitor', 'monitor']]);
  });

  it.each<[string, Edit, string[]]>([
    ['semisync without a mysql replica', (t) => (withoutMysqlReplica(t), withMysqlHa({ replication: 'semisync' })(t)), ['ha.mysql.replication: expected a mysql node with replicaOf: semisync waits for a replica to acknowledge']],
    ['failover auto without a monitor node', withMysqlHa({ failover: 'auto' }), ['ha.mysql.failover: expected one node of kind monitor for ha.mysql.failover: auto, found 0']],
    ['a monitor node without failover auto', withMonitor, ['nodes.monitor.kind: a monitor node needs ha.mysql.failover: auto']],
    ['an unknown replication mode', withMysqlHa({ replication: 'sync' }), ['ha.mysql.replication: Invalid option: expected one of "async"|"semisync"']],
  ])('%s: refused naming the key', (_what, edit, expected) => {
    expect(errorsOf(edit)).toEqual(expected);
  });
});
