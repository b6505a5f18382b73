import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearFencing, markFencing } from '../../failover/fencing-marker.js';
import { fileRoles } from '../../failover/roles.js';
import { loadTopology } from '../../topology/load.js';
import { findNode, type NodeOfKind, type Topology } from '../../topology/model.js';
import { LOOPBACK } from '../addressing.js';
import { topologyPaths } from '../home.js';
import type { RenderContext } from '../render-context.js';
import { renderMysqlConfig } from './mysql-config.js';

const file = (name: string) => new URL(`../../../topology/${name}.yaml`, import.meta.url).pathname;
const secrets = { mysqlRootPassword: 'r', mysqlAdminPassword: 'a', mysqlAppPassword: 'p', mysqlReplicationPassword: 'x', redisPassword: 'y' };

function render(topology: Topology, nodeName: string, roles = fileRoles(topology), home = '/srv'): string {
  const ctx = { topology, paths: topologyPaths(topology.name, home), secrets, addressing: LOOPBACK, programs: {}, runningAsRoot: false, roles } as RenderContext;
  return renderMysqlConfig(findNode(topology, nodeName) as NodeOfKind<'mysql'>, ctx);
}

describe('a database config follows the role the node has now', () => {
  const ha = loadTopology(file('seed-ha'));

  it('semisync (seed-ha): the primary waits for AFTER_SYNC acknowledgements without fallback; a replica only acknowledges', () => {
    const primary = render(ha, 'mysql-primary');
    expect(primary).toContain('rpl-semi-sync-master-enabled = 1');
    expect(primary).toContain('rpl-semi-sync-master-wait-point = AFTER_SYNC');
    expect(primary).toContain('rpl-semi-sync-master-timeout = 4294967295');
    expect(primary).toContain('init-rpl-role = SLAVE');
    expect(primary).not.toContain('read-only = 1');
    const replica = render(ha, 'mysql-replica');
    expect(replica).toContain('rpl-semi-sync-master-enabled = 0');
    expect(replica).toContain('rpl-semi-sync-slave-enabled = 1');
    expect(replica).toContain('read-only = 1');
  });

  it('after a failover, the demoted primary starts read-only and the promoted replica waits for acknowledgements', () => {
    const moved = { ...fileRoles(ha), epoch: 1, mysqlPrimary: 'mysql-replica' };
    expect(render(ha, 'mysql-primary', moved)).toMatch(/read-only = 1[^]*rpl-semi-sync-master-enabled = 0/);
    const promoted = render(ha, 'mysql-replica', moved);
    expect(promoted).not.toContain('read-only = 1');
    expect(promoted).toContain('rpl-semi-sync-master-enabled = 1');
  });

  it('while the primary is being fenced and no successor is recorded yet, it starts read-only (a heal racing the monitor)', () => {
    const home = mkdtempSync(join(tmpdir(), 'shopctl-fencing-'));
    try {
      const paths = topologyPaths(ha.name, home);
      mkdirSync(paths.node('mysql-primary').dir, { recursive: true });
      markFencing(paths, 'mysql-primary');
      expect(render(ha, 'mysql-primary', fileRoles(ha), home)).toContain('read-only = 1');
      clearFencing(paths, 'mysql-primary');
      expect(render(ha, 'mysql-primary', fileRoles(ha), home)).not.toContain('read-only = 1');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('asynchronous (default): no semisync at all, and replicas hear the primary every second', () => {
    const async = loadTopology(file('default'));
    expect(render(async, 'mysql-primary')).not.toContain('semi-sync');
    expect(render(async, 'mysql-replica')).toContain('slave-net-timeout = 4');
  });
});
