import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { shopctlHome, topologyPaths, type TopologyPaths } from './home.js';

/**
 * What `up` leaves for `status` and `down`: which topology file, which runtime, and whether
 * the databases were fully set up. Its presence also marks the folder as shopctl's: nothing
 * deletes or stops anything in a folder without it. Per-node process records live beside
 * each node.
 */
const stateSchema = z.object({
  topology: z.string(),
  file: z.string(),
  driver: z.enum(['local', 'docker']),
  createdAt: z.string(),
  /** Set once accounts, schema, catalog and replication are complete. */
  bootstrappedAt: z.string().optional(),
  products: z.number().int().optional(),
  nodes: z.array(z.string()),
});

export type TopologyState = z.output<typeof stateSchema>;

export type StateReading =
  /** No folder, or only a lock: nothing was ever set up here. */
  | { kind: 'absent' }
  | { kind: 'ok'; state: TopologyState }
  /** state.json exists but cannot be read: shopctl's folder, in an unknown condition. */
  | { kind: 'unreadable'; reason: string }
  /** Files but no state.json: not shopctl's, never to be touched. */
  | { kind: 'foreign' };

export function inspectState(paths: TopologyPaths): StateReading {
  if (!existsSync(paths.stateFile)) {
    const entries = existsSync(paths.root) ? readdirSync(paths.root).filter((e) => join(paths.root, e) !== paths.lockFile) : [];
    return entries.length === 0 ? { kind: 'absent' } : { kind: 'foreign' };
  }
  try {
    return { kind: 'ok', state: stateSchema.parse(JSON.parse(readFileSync(paths.stateFile, 'utf8'))) };
  } catch (error) {
    return { kind: 'unreadable', reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
  }
}

export function readState(paths: TopologyPaths): TopologyState | undefined {
  const reading = inspectState(paths);
  return reading.kind === 'ok' ? reading.state : undefined;
}

export function writeState(paths: TopologyPaths, state: TopologyState): void {
  mkdirSync(paths.root, { recursive: true });
  writeFileAtomic(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** Topologies shopctl set up under the home folder (those with a state file), for `down --all`. */
export function knownTopologies(home = shopctlHome()): string[] {
  if (!existsSync(home)) return [];
  return readdirSync(home, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(topologyPaths(entry.name, home).stateFile))
    .map((entry) => entry.name);
}

/** Node folders that exist on disk, whether or not the topology file still names them. */
export function nodeDirectories(paths: TopologyPaths): string[] {
  if (!existsSync(paths.root)) return [];
  return readdirSync(paths.root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
