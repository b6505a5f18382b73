import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../provision/atomic-write.js';
import type { TopologyPaths } from '../provision/home.js';

/**
 * The record of the database's promotions, `failover.json` in the topology's folder: the current
 * primary and the epoch (how many promotions so far), and each promotion with what it saw.
 * Written by the one actor that promotes (the monitor node, or `shopctl failover` on a topology
 * without one), read by `status`, `up` (configs follow the current roles), `shell` and `verify`.
 * Absent: epoch 0, the topology file's primary.
 */
const promotionSchema = z.object({
  epoch: z.number().int().min(1),
  at: z.string(),
  kind: z.enum(['failover', 'switchover']),
  from: z.string(),
  to: z.string(),
  /** Why: the failed checks, or who asked. */
  reason: z.string(),
  /** How the old primary was kept from writing: read_only, killed, or already down. */
  fencing: z.string(),
  /** The candidate's GTID position when it was promoted: what the old primary may hold past it is errant. */
  promotedAt: z.string(),
  /** Milliseconds from the first failed check (or the request) to the new primary taking writes. */
  ms: z.number(),
});

const rejoinSchema = z.object({
  at: z.string(),
  node: z.string(),
  epoch: z.number().int(),
  /** Transactions the node held that the primary never had (GTIDs past `promotedAt`). */
  errantGtids: z.string(),
  /** Orders of those transactions, saved before the node was rebuilt from the primary. */
  errantOrders: z.number().int().min(0),
  /** Where they were saved (JSON), when there were any. */
  savedTo: z.string().nullable(),
});

const failoverStateSchema = z.object({
  epoch: z.number().int().min(0),
  primary: z.string(),
  promotions: z.array(promotionSchema),
  rejoins: z.array(rejoinSchema).default([]),
});

export type Promotion = z.output<typeof promotionSchema>;
export type Rejoin = z.output<typeof rejoinSchema>;
export type FailoverState = z.output<typeof failoverStateSchema>;

export function failoverFile(paths: Pick<TopologyPaths, 'root'>): string {
  return join(paths.root, 'failover.json');
}

/** The record, or undefined before any promotion. A record that cannot be read is an error: guessing the primary could make two. */
export function readFailoverState(paths: Pick<TopologyPaths, 'root'>): FailoverState | undefined {
  const file = failoverFile(paths);
  if (!existsSync(file)) return undefined;
  return failoverStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export function writeFailoverState(paths: Pick<TopologyPaths, 'root'>, state: FailoverState): void {
  writeFileAtomic(failoverFile(paths), `${JSON.stringify(state, null, 2)}\n`);
}
