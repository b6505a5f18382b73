import { DeadlineExceeded } from '../async/deadline.js';
import type { NodeRef } from '../provision/runtime/runtime.js';
import type { RunningTopology } from '../running/running-topology.js';
import type { NodeOfKind } from '../topology/model.js';
import { killAppConnections, onDatabase } from './admin.js';
import type { FailoverLog } from './failover-log.js';

/** How the old primary was kept from acknowledging another purchase. */
export type Fencing = 'read_only' | 'killed' | 'down';

/** How long `SET GLOBAL read_only = 1` may take: it waits for commits in flight, which a primary blocked on its replica never ends. */
const READ_ONLY_MS = 3000;

/**
 * Fences the old primary before anyone writes to the new one (DESIGN.md section 8): made
 * read-only and its apps' connections killed when it answers; otherwise its processes are killed
 * through the runtime that started them (the power switch: shopctl runs the servers, as a
 * STONITH device would on real machines), and it is confirmed gone. Throws when neither works:
 * then nothing may be promoted.
 */
export async function fence(running: RunningTopology, node: NodeOfKind<'mysql'>, log: FailoverLog): Promise<Fencing> {
  const ref = running.node(node);
  // A runtime that cannot be asked (a monitor container without the engine) says neither: the
  // node is then fenced by read-only or not at all.
  const isRunning = await running.runtime.isRunning(ref).catch(() => undefined);
  if (isRunning === false) {
    log.event('info', 'fenced', { node: node.name, how: 'down' }, `${node.name} is not running`);
    return 'down';
  }
  try {
    const killed = await onDatabase(running, node, async (c) => {
      await c.query('SET GLOBAL read_only = 1');
      return killAppConnections(c);
    }, READ_ONLY_MS);
    log.event('info', 'fenced', { node: node.name, how: 'read_only', appConnectionsKilled: killed });
    return 'read_only';
  } catch (error) {
    const why = error instanceof DeadlineExceeded ? `no answer within ${READ_ONLY_MS} ms` : (error as Error).message;
    if (!(await killedThrough(running, ref, log))) throw new Error(`${node.name} could be neither made read-only (${why}) nor killed through the ${running.runtime.driver} runtime: not promoting`);
    log.event('warn', 'fenced', { node: node.name, how: 'killed', because: why }, `${node.name} did not answer: killed`);
    return 'killed';
  }
}

/** Killed and confirmed gone; false (logged) when the runtime cannot be reached to do it. */
async function killedThrough(running: RunningTopology, ref: NodeRef, log: FailoverLog): Promise<boolean> {
  try {
    await running.runtime.kill(ref);
    return !(await running.runtime.isRunning(ref));
  } catch (error) {
    log.event('error', 'kill_failed', { node: ref.name, reason: (error as Error).message });
    return false;
  }
}
