import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYamlFile } from '../config-file/load-yaml-file.js';
import { machineCores } from './app-workers.js';
import { resolveTopology, type Topology } from './model.js';
import { topologySchema } from './schema.js';
import { refineTopology } from './validate.js';

const topologyNameSchema = topologySchema.pick({ name: true }).loose();

/** The topology shipped with shopctl, used when the working directory has none. */
const BUNDLED_DEFAULT = fileURLToPath(new URL('../../topology/default.yaml', import.meta.url));

/**
 * `-t FILE` when given; otherwise `topology/default.yaml` of the working directory, falling
 * back to the one shipped with shopctl so the CLI works from any folder.
 */
export function topologyPath(file: string | undefined): string {
  if (file !== undefined) return resolve(file);
  const local = resolve('topology/default.yaml');
  return existsSync(local) ? local : BUNDLED_DEFAULT;
}

/**
 * Only the `name` of a topology file, read leniently: `down` must work while the rest of the
 * file is being edited or broken, since the running nodes are found by name on disk.
 */
export function topologyName(file: string | undefined): string {
  const path = topologyPath(file);
  return loadYamlFile(path, topologyNameSchema, 'topology').name;
}

/** `cores`: the machine's, which decide the default app.workers (tests pass their own). */
export function loadTopology(file: string | undefined, cores = machineCores()): Topology {
  const path = topologyPath(file);
  const validated = topologySchema.superRefine(refineTopology(cores));
  return resolveTopology(path, loadYamlFile(path, validated, 'topology'), cores);
}
