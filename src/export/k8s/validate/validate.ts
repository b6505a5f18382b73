import { join } from 'node:path';
import { UsageError } from '../../../errors.js';
import { apiNameProblems } from './api-names.js';
import { generatedConfigMap } from '../kustomization.js';
import type { K8sExport } from '../render.js';
import { readFolder } from './read-folder.js';
import { ruleProblems } from './rules.js';
import { schemaProblems } from './schema-check.js';
import { formatProblem, type FolderUnit, type Problem } from './problem.js';

/** Every problem of the kustomizations: schemas (unknown fields refused), names and labels as the API server checks them, shopctl's rules. */
export function folderProblems(units: readonly FolderUnit[]): Problem[] {
  return units.flatMap((unit) => {
    const seen = new Set<string>();
    const duplicates: Problem[] = [];
    for (const found of unit.objects) {
      const id = `${found.object.kind} ${found.object.metadata.name}`;
      if (seen.has(id)) duplicates.push({ file: found.file, object: id, path: 'metadata.name', message: 'a second object of that kind and name' });
      seen.add(id);
    }
    return [...duplicates, ...unit.objects.flatMap(schemaProblems), ...unit.objects.flatMap(apiNameProblems), ...ruleProblems(unit)];
  });
}

/** The units of a rendered export, as readFolder would find them once written. */
export function unitsOf(rendered: K8sExport): FolderUnit[] {
  return rendered.units.map((unit) => ({
    dir: unit.dir,
    objects: [
      ...unit.manifests.flatMap((m) => m.objects.map((object) => ({ file: m.path, object }))),
      ...(unit.kustomization.configMapGenerator ?? []).map((g) => ({
        file: join(unit.dir, 'kustomization.yaml'),
        object: generatedConfigMap(g.name, (g.envs ?? []).map((env) => unit.texts.find((t) => t.path === join(unit.dir, env))?.content ?? ''), g.literals ?? []),
      })),
    ],
  }));
}

/** A render that fails its own checks is a bug of shopctl's, not the user's. */
export function requireValidRender(rendered: K8sExport): void {
  const problems = folderProblems(unitsOf(rendered));
  if (problems.length > 0) throw new Error(`the Kubernetes export failed its own checks:\n${problems.map(formatProblem).join('\n')}`);
}

/**
 * `export k8s --check`: the folder as it is on disk, nothing written. Refused (64) with each
 * problem as `FILE: Kind name: path: what`, FILE as `dir` joined with the file's name.
 */
export function checkFolder(dir: string): { objects: number } {
  const { units, problems: readProblems } = readFolder(dir);
  const problems = [...readProblems, ...folderProblems(units)].map((p) => formatProblem({ ...p, file: join(dir, p.file) }));
  if (problems.length > 0) throw new UsageError(`${problems[0] ?? ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems.slice(1));
  return { objects: units.reduce((n, u) => n + u.objects.length, 0) };
}
