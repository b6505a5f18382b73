import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, survivors } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-recover', 28200, (t) => {
  t.catalog.products = 500;
});
const { run, pidOf } = runningTopology(topo);

async function expectOnlyDown(node: string): Promise<void> {
  const status = await run('status', '--json');
  expect(status.code).toBe(3);
  expect(status.stderr).toContain(node);
  const doc = JSON.parse(status.stdout) as { nodes: { name: string; healthy: boolean }[] };
  expect(doc.nodes.filter((n) => !n.healthy).map((n) => n.name)).toEqual([node]);
}

async function upBringsBack(node: string, killedPid: number): Promise<void> {
  const up = await run('up', '--json');
  expect(up.code, up.stderr).toBe(0);
  expect((JSON.parse(up.stdout) as { started: string[] }).started).toEqual([node]);
  expect(pidOf(node)).not.toBe(killedPid);
  const status = await run('status');
  expect(status.code, status.stderr).toBe(0);
}

describe('a node killed with SIGKILL', () => {
  it('nginx: status exits 3 naming it; up restarts it although its workers were orphaned', async () => {
    const master = pidOf('lb');
    process.kill(master, 'SIGKILL');
    await expectOnlyDown('lb');
    await upBringsBack('lb', master);
    expect(survivors([master], join(topo.home, 'none'))).toEqual([]);
    const view = await fetch(`http://127.0.0.1:${topo.ports.lb}/products/3`);
    expect(view.status).toBe(200);
    await view.body?.cancel();
  });

  it('mysql replica: comes back and replays what the primary wrote meanwhile', async () => {
    const replica = pidOf('mysql-replica');
    process.kill(replica, 'SIGKILL');
    await expectOnlyDown('mysql-replica');
    const write = await run('shell', 'mysql-primary', '-e', "INSERT INTO products (id, name, price_cents, stock, initial_stock) VALUES (880001, 'while down', 1, 1, 1)");
    expect(write.code, write.stderr).toBe(0);
    await upBringsBack('mysql-replica', replica);
    await eventually('the row written while the replica was down', async () => {
      const read = await run('shell', 'mysql-replica', '-e', 'SELECT name FROM products WHERE id = 880001');
      return read.stdout.includes('while down') ? true : undefined;
    });
  });

  it('redis master: restarts and its replica links up again', async () => {
    const master = pidOf('redis-master');
    process.kill(master, 'SIGKILL');
    // The replica loses its link too, so more than one node is unhealthy here.
    const status = await run('status');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(/redis-master\s.*DOWN\s+not running/);
    // Its last log lines follow the table: the server's own words before it died.
    expect(status.stderr).toMatch(/\nredis-master:\nlast lines of \S+redis-master\.log:\n(  .*\n?){1,5}/);
    const up = await run('up');
    expect(up.code, up.stderr).toBe(0);
    const after = await run('status', '--json');
    expect(after.code, after.stderr).toBe(0);
  });

  it('an app: the LB keeps answering from the other app, and up brings it back', async () => {
    const app = pidOf('app1');
    // The node is its primary and its worker, in one process group (the primary leads it):
    // the whole node is killed, as a machine losing it would.
    process.kill(-app, 'SIGKILL');
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`http://127.0.0.1:${topo.ports.lb}/healthz`);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-served-by')).toBe('app2');
      await r.body?.cancel();
    }
    await expectOnlyDown('app1');
    await upBringsBack('app1', app);
  });
});
