import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { shopctlHome, type TopologyPaths } from './home.js';

/**
 * What `up` leaves for `status` and `down`: which topology file, which runtime, and whether
 * the databases were fully set up. Per-node process records live beside each node.
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

export function readState(paths: TopologyPaths): TopologyState | undefined {
  if (!existsSync(paths.stateFile)) return undefined;
  try {
    return stateSchema.parse(JSON.parse(readFileSync(paths.stateFile, 'utf8')));
  } catch {
    return undefined;
  }
}

export function writeState(paths: TopologyPaths, state: TopologyState): void {
  mkdirSync(paths.root, { recursive: true });
  writeFileSync(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** Topologies with anything under the home folder, for `down --all`. */
export function knownTopologies(home = shopctlHome()): string[] {
  if (!existsSync(home)) return [];
  return readdirSync(home, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/** Node folders that exist on disk, whether or not the topology file still names them. */
export function nodeDirectories(paths: TopologyPaths): string[] {
  if (!existsSync(paths.root)) return [];
  return readdirSync(paths.root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}
