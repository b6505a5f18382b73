import type { K8sObject } from '../manifest.js';

/** An object of a folder, with the file it came from (relative to the export's folder). */
export interface FoundObject {
  file: string;
  object: K8sObject;
}

/** The objects one kustomization makes: its resources, and what its generators make. */
export interface FolderUnit {
  dir: string;
  objects: FoundObject[];
}

export interface Problem {
  file: string;
  /** `Kind name`, or empty for a problem of the file itself. */
  object: string;
  /** Where in the object: `spec.template.spec.containers[0].readinessProbe`. */
  path: string;
  message: string;
}

export function problemAt(found: FoundObject, path: string, message: string): Problem {
  return { file: found.file, object: `${found.object.kind} ${found.object.metadata.name}`, path, message };
}

export function formatProblem(p: Problem): string {
  return [p.file, p.object, p.path, p.message].filter((part) => part !== '').join(': ');
}

/** `/spec/containers/0/name` (a schema's instance path) as `spec.containers[0].name`. */
export function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
}
