import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KUSTOMIZATION, generatedConfigMap, kustomizationSchema, type Kustomization } from '../kustomization.js';
import type { K8sObject } from '../manifest.js';
import type { FolderUnit, FoundObject, Problem } from './problem.js';

/** The kustomizations of an export: the folder's own and, when there, bench/'s. */
export const UNIT_DIRS = ['', 'bench'];

/**
 * The objects of each kustomization of `root` as they are on disk (the user's edits included):
 * every document of every file its `resources` lists, and the ConfigMaps its generators make.
 * File names in the result and in problems are relative to `root`.
 */
export function readFolder(root: string): { units: FolderUnit[]; problems: Problem[] } {
  const units: FolderUnit[] = [];
  const problems: Problem[] = [];
  for (const dir of UNIT_DIRS) {
    const file = join(dir, KUSTOMIZATION);
    if (!existsSync(join(root, file))) {
      if (dir === '') problems.push({ file, object: '', path: '', message: 'missing: not a Kubernetes export' });
      continue;
    }
    const kustomization = readKustomization(root, file, problems);
    if (kustomization === undefined) continue;
    const objects: FoundObject[] = [];
    for (const resource of kustomization.resources) objects.push(...readResource(root, join(dir, resource), problems));
    for (const generator of kustomization.configMapGenerator ?? []) {
      const envs = (generator.envs ?? []).map((env) => readText(root, join(dir, env), problems) ?? '');
      objects.push({ file, object: generatedConfigMap(generator.name, envs, generator.literals ?? []) });
    }
    units.push({ dir, objects });
  }
  return { units, problems };
}

function readKustomization(root: string, file: string, problems: Problem[]): Kustomization | undefined {
  const text = readText(root, file, problems);
  if (text === undefined) return undefined;
  const parsed = kustomizationSchema.safeParse(parseYaml(text, file, problems)[0]);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push({ file, object: 'Kustomization', path: issue.path.join('.'), message: issue.message });
  return undefined;
}

function readResource(root: string, file: string, problems: Problem[]): FoundObject[] {
  const text = readText(root, file, problems);
  if (text === undefined) return [];
  const found: FoundObject[] = [];
  parseYaml(text, file, problems).forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const o = doc as Partial<K8sObject>;
    if (typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
      problems.push({ file, object: `document ${i + 1}`, path: '', message: 'expected a Kubernetes object (apiVersion, kind, metadata.name)' });
      return;
    }
    found.push({ file, object: o as K8sObject });
  });
  return found;
}

function readText(root: string, file: string, problems: Problem[]): string | undefined {
  try {
    return readFileSync(join(root, file), 'utf8');
  } catch (error) {
    problems.push({ file, object: '', path: '', message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
    return undefined;
  }
}

function parseYaml(text: string, file: string, problems: Problem[]): unknown[] {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const values: unknown[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error !== undefined) problems.push({ file, object: '', path: '', message: `invalid YAML: ${error.message.split('\n')[0] ?? ''}` });
    else values.push(doc.toJS());
  }
  return values;
}
