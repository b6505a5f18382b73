import { problemAt, type FoundObject, type Problem } from './problem.js';
import { list, record, type PodTemplate } from './pod-templates.js';

type Ref = { kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim'; name: unknown; keys: unknown[]; optional: unknown; path: string };

/**
 * Every ConfigMap, Secret and claim a pod template names exists in the folder, with each key it
 * names; every mount names a volume, and a subPath into a ConfigMap or Secret is one of its keys.
 */
export function referenceProblems(template: PodTemplate, objects: readonly FoundObject[]): Problem[] {
  const at = (path: string) => (template.at === '' ? path : `${template.at}.${path}`);
  const refs: Ref[] = [];
  const volumes = list(template.spec.volumes);
  volumes.forEach((v, i) => {
    const keys = (items: unknown) => list(items).map((item) => item.key);
    if (v.configMap !== undefined) refs.push({ kind: 'ConfigMap', name: record(v.configMap).name, keys: keys(record(v.configMap).items), optional: record(v.configMap).optional, path: at(`spec.volumes[${i}].configMap`) });
    if (v.secret !== undefined) refs.push({ kind: 'Secret', name: record(v.secret).secretName, keys: keys(record(v.secret).items), optional: record(v.secret).optional, path: at(`spec.volumes[${i}].secret`) });
    if (v.persistentVolumeClaim !== undefined) refs.push({ kind: 'PersistentVolumeClaim', name: record(v.persistentVolumeClaim).claimName, keys: [], optional: false, path: at(`spec.volumes[${i}].persistentVolumeClaim`) });
    list(record(v.projected).sources).forEach((source, j) => {
      for (const kind of ['ConfigMap', 'Secret'] as const) {
        const ref = record(source[kind === 'ConfigMap' ? 'configMap' : 'secret']);
        if (Object.keys(ref).length > 0) refs.push({ kind, name: ref.name, keys: keys(ref.items), optional: ref.optional, path: at(`spec.volumes[${i}].projected.sources[${j}].${kind === 'ConfigMap' ? 'configMap' : 'secret'}`) });
      }
    });
  });
  const problems: Problem[] = [];
  const claims = new Set(list(record(template.owner.object.spec).volumeClaimTemplates).map((c) => record(c.metadata).name));
  for (const [field, containers] of [['containers', list(template.spec.containers)], ['initContainers', list(template.spec.initContainers)]] as const) {
    containers.forEach((c, i) => {
      list(c.env).forEach((e, j) => {
        const from = record(e.valueFrom);
        for (const [key, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
          const ref = record(from[key]);
          if (Object.keys(ref).length > 0) refs.push({ kind, name: ref.name, keys: [ref.key], optional: ref.optional, path: at(`spec.${field}[${i}].env[${j}].valueFrom.${key}`) });
        }
      });
      list(c.envFrom).forEach((e, j) => {
        for (const [key, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
          const ref = record(e[key]);
          if (Object.keys(ref).length > 0) refs.push({ kind, name: ref.name, keys: [], optional: ref.optional, path: at(`spec.${field}[${i}].envFrom[${j}].${key}`) });
        }
      });
      list(c.volumeMounts).forEach((m, j) => {
        const path = at(`spec.${field}[${i}].volumeMounts[${j}]`);
        const volume = volumes.find((v) => v.name === m.name);
        if (volume === undefined) {
          if (!claims.has(m.name)) problems.push(problemAt(template.owner, `${path}.name`, `no volume or claim template named ${String(m.name)}`));
          return;
        }
        const source = volume.configMap !== undefined ? { kind: 'ConfigMap' as const, ref: record(volume.configMap), name: record(volume.configMap).name } : volume.secret !== undefined ? { kind: 'Secret' as const, ref: record(volume.secret), name: record(volume.secret).secretName } : undefined;
        if (source !== undefined && typeof m.subPath === 'string' && list(source.ref.items).length === 0 && source.ref.optional !== true) {
          refs.push({ kind: source.kind, name: source.name, keys: [m.subPath], optional: false, path: `${path}.subPath` });
        }
      });
    });
  }
  for (const ref of refs) {
    if (ref.optional === true) continue;
    const target = objects.find((o) => o.object.kind === ref.kind && o.object.metadata.name === ref.name);
    if (target === undefined) {
      if (ref.kind !== 'PersistentVolumeClaim' || !claims.has(ref.name)) problems.push(problemAt(template.owner, ref.path, `${ref.kind} ${String(ref.name)} is not in the folder`));
      continue;
    }
    const present = keysOf(target);
    for (const key of ref.keys) if (typeof key === 'string' && !present.has(key)) problems.push(problemAt(template.owner, ref.path, `${ref.kind} ${String(ref.name)} has no key ${key}`));
  }
  return problems;
}

function keysOf(found: FoundObject): Set<string> {
  const o = found.object;
  return new Set([...Object.keys(record(o.data)), ...Object.keys(record(o.binaryData)), ...Object.keys(record(o.stringData))]);
}
