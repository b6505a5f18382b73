import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../provision/atomic-write.js';
import type { TopologyPaths } from '../provision/home.js';
import { acquireLock } from '../provision/lock.js';
import { nodeRef, type Runtime } from '../provision/runtime/runtime.js';

const cutSchema = z.object({ from: z.string(), to: z.string() });

const activeFaultSchema = z.discriminatedUnion('action', [
  /** Killed and not started again: `fault restart`, `fault heal` or `up` starts it. */
  z.object({ action: z.literal('kill'), node: z.string(), since: z.string() }),
  z.object({ action: z.literal('pause'), node: z.string(), since: z.string() }),
  z.object({ action: z.literal('partition'), id: z.number().int().positive(), target: z.string(), cuts: z.array(cutSchema).min(1), since: z.string() }),
]);

export type ActiveFault = z.output<typeof activeFaultSchema>;
export type PartitionFault = Extract<ActiveFault, { action: 'partition' }>;

const fileSchema = z.object({ faults: z.array(activeFaultSchema) });

/**
 * The faults in force on a topology, in `faults.json` of its state folder: what `fault list` and
 * `status` show and what `fault heal` undoes. `down` does not trust it: it undoes every kind of
 * fault whether recorded or not (faults/heal-all.ts), so a crash between a fault and its record
 * leaves nothing behind either.
 */
export function faultsFile(paths: TopologyPaths): string {
  return join(paths.root, 'faults.json');
}

export function readActiveFaults(paths: TopologyPaths): ActiveFault[] {
  const file = faultsFile(paths);
  if (!existsSync(file)) return [];
  try {
    return fileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).faults;
  } catch {
    // A torn or foreign file: the faults themselves are still found and undone by `heal`.
    return [];
  }
}

export function writeActiveFaults(paths: TopologyPaths, faults: readonly ActiveFault[]): void {
  if (faults.length === 0) rmSync(faultsFile(paths), { force: true });
  else writeFileAtomic(faultsFile(paths), `${JSON.stringify({ faults }, null, 2)}\n`);
}

/** How long a fault command waits for another holding faults.json (a bench's schedule writing it). */
const LOCK_WAIT_MS = 5_000;
const LOCK_POLL_MS = 50;

/**
 * Runs `work` holding `faults.lock` (beside `state.json`): `fault` commands, a bench's schedule
 * and `down` take it to change the faults in force or the rules behind them. A holder is waited
 * for a few seconds (its writes take milliseconds), then this fails as any lock does (3).
 */
export function withFaultsLock<T>(paths: TopologyPaths, topology: string, work: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let release: (() => void) | undefined;
    try {
      release = acquireLock(join(paths.root, 'faults.lock'), topology);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      // A synchronous pause: the work it guards is synchronous too, and short.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_POLL_MS);
      continue;
    }
    try {
      return work();
    } finally {
      release();
    }
  }
}

/**
 * The recorded faults that still hold: a node killed and since started by `up` is no longer a
 * fault, nor a paused node something else thawed (`down` and `up`, say).
 */
export async function faultsInForce(paths: TopologyPaths, runtime: Pick<Runtime, 'isRunning' | 'isPaused'>): Promise<ActiveFault[]> {
  const faults = readActiveFaults(paths);
  const holding = await Promise.all(
    faults.map(async (f) => {
      if (f.action === 'partition') return true;
      const node = nodeRef(paths, f.node);
      return f.action === 'kill' ? !(await runtime.isRunning(node)) : runtime.isPaused(node);
    }),
  );
  return faults.filter((_, i) => holding[i]);
}

/** In words, for `fault list` and `status`: `pause mysql-primary since 12:00:01`. */
export function describeFault(fault: ActiveFault): string {
  const since = fault.since.slice(11, 19);
  if (fault.action === 'partition') return `partition #${fault.id} ${fault.target} since ${since}`;
  return `${fault.action} ${fault.node} since ${since}`;
}
