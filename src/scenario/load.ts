import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadYamlFile } from '../config-file/load-yaml-file.js';
import { scenarioSchema, type ScenarioFile } from './schema.js';

export interface Scenario extends ScenarioFile {
  file: string;
}

const BUNDLED_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/**
 * `-s FILE` as given; a bare name (`-s smoke`) means `scenarios/<name>.yaml`. Without one the
 * seed's scenario. The working directory's `scenarios/` wins over the copy shipped with shopctl.
 */
export function scenarioPath(file: string | undefined): string {
  const bareName = file === undefined ? 'seed' : /^[a-z0-9-]+$/.test(file) ? file : undefined;
  if (bareName === undefined) return resolve(file as string);
  const local = resolve('scenarios', `${bareName}.yaml`);
  return existsSync(local) ? local : `${BUNDLED_DIR}${bareName}.yaml`;
}

export function loadScenario(file: string | undefined): Scenario {
  const path = scenarioPath(file);
  return { ...loadYamlFile(path, scenarioSchema, 'scenario'), file: path };
}
