import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { dottedPath, problemAt, type FoundObject, type Problem } from './problem.js';

interface SchemaError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The kinds the export writes, by `apiVersion/kind`, each with the package's validation of it. */
const MODELS: Record<string, { prototype: { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Pod': Pod,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

/**
 * An object against the Kubernetes schema of its kind (kubernetes-models), unknown fields
 * refused. The package ships its schemas compiled into validation functions, which leave
 * fields the schema does not name unchecked (the API server would drop them, or refuse them
 * under strict field validation). The compiled function reads every field its schema names and
 * walks every map it allows, so a field of the object it never read is one the schema does not
 * have: the object is validated through a proxy that records what is read.
 */
export function schemaProblems(found: FoundObject): Problem[] {
  const { apiVersion, kind } = found.object;
  const model = MODELS[`${apiVersion}/${kind}`];
  if (model === undefined) return [problemAt(found, 'kind', `${apiVersion} ${kind} is not a kind this check knows (${Object.keys(MODELS).join(', ')})`)];
  const reads: Tracked[] = [];
  const problems: Problem[] = [];
  try {
    model.prototype.validate.call(tracked(found.object, '', reads));
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors ?? [{ instancePath: '', message: (error as Error).message }];
    for (const e of errors) problems.push(problemAt(found, pathOf(e), e.message ?? 'invalid'));
  }
  const unknown = reads.flatMap(({ path, value, read }) => Object.keys(value).filter((key) => !read.has(key)).map((key) => `${path}/${key}`));
  // What lies inside an unknown field is unknown too: only the outermost is named.
  const outermost = unknown.filter((path) => !unknown.some((outer) => path.startsWith(`${outer}/`)));
  for (const path of outermost) problems.push(problemAt(found, dottedPath(path), 'unknown field'));
  return problems;
}

interface Tracked {
  path: string;
  value: object;
  read: Set<string>;
}

function tracked(value: unknown, path: string, reads: Tracked[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, i) => tracked(item, `${path}/${i}`, reads));
  const read = new Set<string>();
  reads.push({ path, value, read });
  const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tracked(v, `${path}/${k}`, reads)]));
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

function pathOf(e: SchemaError): string {
  const missing = e.params?.missingProperty;
  return dottedPath(typeof missing === 'string' ? `${e.instancePath}/${missing}` : e.instancePath);
}
