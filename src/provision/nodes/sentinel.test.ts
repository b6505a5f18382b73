import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fileRoles } from '../../failover/roles.js';
import { loadTopology } from '../../topology/load.js';
import { findNode, nodesOfKind, type NodeOfKind } from '../../topology/model.js';
import { LOOPBACK } from '../addressing.js';
import { topologyPaths } from '../home.js';
import type { RenderContext } from '../render-context.js';
import { generateSecrets } from '../secrets.js';
import { serviceConfig } from './app.js';
import { renderRedisConfig } from './redis.js';
import { renderSentinelConfig, sentinelKind } from './sentinel.js';

const file = join(mkdtempSync(join(tmpdir(), 'shopctl-sentinel-')), 'ha.yaml');
const yaml = parse(readFileSync(new URL('../../../topology/default.yaml', import.meta.url), 'utf8')) as { ha?: unknown; nodes: Record<string, unknown>; servers: Record<string, string[]> };
yaml.ha = { redis: 'sentinel' };
['app-a', 'db-a', 'db-b'].forEach((server, i) => {
  yaml.nodes[`sentinel${i + 1}`] = { kind: 'sentinel', port: 26379 + i };
  yaml.servers[server]?.push(`sentinel${i + 1}`);
});
writeFileSync(file, stringify(yaml));
const topology = loadTopology(file);
const sentinel = nodesOfKind(topology, 'sentinel')[0] as NodeOfKind<'sentinel'>;
const context = (redisMaster: string): RenderContext => ({
  topology,
  paths: topologyPaths('default', '/srv/shopctl'),
  secrets: generateSecrets(),
  addressing: LOOPBACK,
  programs: { 'redis-server': '/usr/bin/redis-server' },
  runningAsRoot: false,
  roles: { ...fileRoles(topology), redisMaster },
});

describe('a Sentinel node', () => {
  it('watches the master now, quorum 2, with the topology password everywhere', () => {
    const ctx = context('redis-master');
    const config = renderSentinelConfig(sentinel, ctx);
    expect(config).toContain('sentinel monitor shop 127.0.0.1 16379 2');
    expect(config).toContain('sentinel down-after-milliseconds shop 2000');
    for (const line of ['requirepass', 'sentinel sentinel-pass', 'sentinel auth-pass shop']) expect(config).toContain(`${line} ${ctx.secrets.redisPassword}`);
    // A Sentinel started after a failover watches the promoted replica.
    expect(renderSentinelConfig(sentinel, context('redis-replica'))).toContain('sentinel monitor shop 127.0.0.1 16380 2');
  });

  it('writes its config once, 0600, and runs redis-server in sentinel mode on it', () => {
    const ctx = context('redis-master');
    expect(sentinelKind.files(sentinel, ctx)).toEqual([expect.objectContaining({ path: '/srv/shopctl/default/sentinel1/sentinel.conf', secret: true, ownedByServer: true })]);
    expect(sentinelKind.launch(sentinel, ctx)).toEqual({ command: '/usr/bin/redis-server', args: ['/srv/shopctl/default/sentinel1/sentinel.conf', '--sentinel'] });
  });

  it('after a failover the old master starts as a replica of the new one', () => {
    const ctx = context('redis-replica');
    expect(renderRedisConfig(findNode(topology, 'redis-master') as NodeOfKind<'redis'>, ctx)).toContain('replicaof 127.0.0.1 16380');
    expect(renderRedisConfig(findNode(topology, 'redis-replica') as NodeOfKind<'redis'>, ctx)).not.toContain('replicaof');
  });

  it('apps find the master through the three Sentinels', () => {
    const app = findNode(topology, 'app1') as NodeOfKind<'app'>;
    expect(serviceConfig(app, context('redis-replica')).redis).toMatchObject({
      port: 16380,
      masterName: 'shop',
      sentinels: [{ host: '127.0.0.1', port: 26379 }, { host: '127.0.0.1', port: 26380 }, { host: '127.0.0.1', port: 26381 }],
    });
  });
});
