import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { ExitCode, UsageError } from '../../../errors.js';
import { loadTopology } from '../../../topology/load.js';
import { FIXED_SECRETS } from '../test-secrets.js';
import { writeK8sExport } from '../write.js';
import { checkFolder } from './validate.js';

const topology = loadTopology(new URL('../../../../topology/default.yaml', import.meta.url).pathname, 4);
const root = mkdtempSync(join(tmpdir(), 'shopctl-k8s-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir = '';
let n = 0;

beforeEach(() => {
  dir = join(root, `case-${(n += 1)}`);
  writeK8sExport(topology, { dir, namespace: 'shop', image: 'shopctl:test', benchAgents: 2 }, () => FIXED_SECRETS);
});

type Doc = Record<string, unknown>;
type Path = (string | number)[];

/** Sets (or with `undefined` deletes) the value at `path` of a parsed YAML object. */
function put(doc: Doc, path: Path, value: unknown): void {
  const parent = path.slice(0, -1).reduce<unknown>((o, key) => (o as Record<string | number, unknown>)[key], doc) as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** Edits the objects of one file as a user would, and writes it back. */
function edit(file: string, change: (docs: Doc[]) => void): void {
  const path = join(dir, file);
  const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Doc);
  change(docs);
  writeFileSync(path, docs.map((d) => stringify(d)).join('---\n'));
}

const find = (docs: Doc[], kind: string, name?: string): Doc => {
  const found = docs.find((d) => d.kind === kind && (name === undefined || (d.metadata as Doc).name === name));
  if (found === undefined) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
};

function refusal(): string {
  try {
    checkFolder(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(ExitCode.usage);
    return [(error as UsageError).message, ...(error as UsageError).details].join('\n');
  }
  throw new Error('the check passed');
}

describe('export k8s --check', () => {
  it('passes the folder as written, bench/ and its generated ConfigMap included', () => {
    expect(checkFolder(dir).objects).toBeGreaterThan(20);
  });

  it('refuses a Service whose selector matches no pod template', () => {
    edit('app1.yaml', (docs) => put(find(docs, 'Service'), ['spec', 'selector', 'shopctl.io/node'], 'app9'));
    expect(refusal()).toContain(`${join(dir, 'app1.yaml')}: Service app1: spec.selector: selects no pod template in the folder`);
  });

  it('refuses a field the schema does not have, and a value of the wrong type', () => {
    edit('mysql-primary.yaml', (docs) => {
      put(find(docs, 'StatefulSet'), ['spec', 'replicass'], 1);
      put(find(docs, 'StatefulSet'), ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], 'many');
    });
    const message = refusal();
    expect(message).toContain(`${join(dir, 'mysql-primary.yaml')}: StatefulSet mysql-primary: spec.replicass: unknown field`);
    expect(message).toContain('StatefulSet mysql-primary: spec.template.spec.containers[0].ports[0].containerPort:');
  });

  it('names only the outermost unknown field, not every field inside it', () => {
    edit('mysql-primary.yaml', (docs) => {
      const spec = (find(docs, 'StatefulSet').spec as { template: { spec: Record<string, unknown> } }).template.spec;
      spec.initContainerz = spec.initContainers;
      delete spec.initContainers;
    });
    const unknown = refusal().split('\n').filter((line) => line.includes('unknown field'));
    expect(unknown).toEqual([expect.stringContaining('StatefulSet mysql-primary: spec.template.spec.initContainerz: unknown field')]);
  });

  it('refuses a reference to a Secret the folder does not have, or to a key it lacks', () => {
    edit('kustomization.yaml', (docs) => put(docs[0]!, ['resources'], (docs[0]!.resources as string[]).filter((r) => r !== 'app1-secret.yaml')));
    edit('mysql-primary-secret.yaml', (docs) => put(find(docs, 'Secret'), ['stringData', 'root.cnf'], undefined));
    const message = refusal();
    expect(message).toContain(`${join(dir, 'app1.yaml')}: Deployment app1: spec.template.spec.volumes[1].secret: Secret app1-secret is not in the folder`);
    expect(message).toContain('StatefulSet mysql-primary: spec.template.spec.initContainers[0].volumeMounts[4].subPath: Secret mysql-primary-secret has no key root.cnf');
  });

  it('refuses names, label values and probe fields the API server would refuse', () => {
    edit('app1.yaml', (docs) => {
      put(find(docs, 'Service'), ['metadata', 'name'], 'App_1');
      put(find(docs, 'Deployment'), ['metadata', 'labels', 'shopctl.io/server'], 'app-a-');
      put(find(docs, 'Deployment'), ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe', 'periodSeconds'], -5);
    });
    const message = refusal();
    expect(message).toContain(`${join(dir, 'app1.yaml')}: Service App_1: metadata.name: "App_1" is not a DNS-1035 label`);
    expect(message).toContain('Deployment app1: metadata.labels.shopctl.io/server: "app-a-" is not a label value');
    expect(message).toContain('Deployment app1: spec.template.spec.containers[0].readinessProbe.periodSeconds: -5 is less than 1');
  });

  it('refuses a container without a readiness probe', () => {
    edit('app1.yaml', (docs) => put(find(docs, 'Deployment'), ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe'], undefined));
    expect(refusal()).toContain(`${join(dir, 'app1.yaml')}: Deployment app1: spec.template.spec.containers[0].readinessProbe: missing`);
  });

  it('refuses disruption budgets that block a drain', () => {
    edit('disruption-budgets.yaml', (docs) => {
      put(find(docs, 'PodDisruptionBudget', 'kind-mysql'), ['spec', 'maxUnavailable'], 0);
      put(find(docs, 'PodDisruptionBudget', 'kind-redis'), ['spec', 'maxUnavailable'], undefined);
      put(find(docs, 'PodDisruptionBudget', 'kind-redis'), ['spec', 'minAvailable'], 2);
    });
    const message = refusal();
    expect(message).toContain(`${join(dir, 'disruption-budgets.yaml')}: PodDisruptionBudget kind-mysql: spec.maxUnavailable: 0 lets no pod be evicted: it blocks every drain`);
    expect(message).toContain('PodDisruptionBudget kind-redis: spec.minAvailable: 2 of the 2 pod(s) it selects lets none be evicted');
  });

  it('refuses a budget over two pods of one server (the drain of a server whose pods are required together)', () => {
    edit('disruption-budgets.yaml', (docs) => put(find(docs, 'PodDisruptionBudget', 'node-lb'), ['spec', 'selector', 'matchLabels'], { 'shopctl.io/topology': 'default', 'shopctl.io/server': 'app-a' }));
    expect(refusal()).toContain('PodDisruptionBudget node-lb: spec.maxUnavailable: it selects 2 pods of server app-a and lets 1 out: a drain of that server (whose pods are required together) is blocked');
  });

  it('refuses replicas that may share a Kubernetes node', () => {
    edit('mysql-primary.yaml', (docs) => put(find(docs, 'StatefulSet'), ['spec', 'template', 'spec', 'affinity', 'podAntiAffinity'], undefined));
    // The replica's rule alone still keeps them apart.
    expect(checkFolder(dir).objects).toBeGreaterThan(20);
    edit('mysql-replica.yaml', (docs) => put(find(docs, 'StatefulSet'), ['spec', 'template', 'spec', 'affinity', 'podAntiAffinity'], undefined));
    expect(refusal()).toContain(`${join(dir, 'mysql-primary.yaml')}: StatefulSet mysql-primary: spec.template.spec.affinity.podAntiAffinity: mysql-primary and mysql-replica may share a Kubernetes node`);
  });

  it('refuses pods of one server that may land on different Kubernetes nodes', () => {
    edit('app1.yaml', (docs) => put(find(docs, 'Deployment'), ['spec', 'template', 'spec', 'affinity', 'podAffinity'], undefined));
    expect(refusal()).toContain(`${join(dir, 'app1.yaml')}: Deployment app1: spec.template.spec.affinity.podAffinity: no required affinity per kubernetes.io/hostname keeps it on one Kubernetes node with the pods of server app-a (lb, app1), itself included`);
  });

  it('refuses the bench Job when its run ConfigMap is no longer generated', () => {
    edit('bench/kustomization.yaml', (docs) => put(docs[0]!, ['configMapGenerator'], undefined));
    expect(refusal()).toContain(`${join(dir, 'bench/bench-agents.yaml')}: Job bench-agents: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef: ConfigMap bench-run is not in the folder`);
  });

  it('refuses a folder without a kustomization', () => {
    rmSync(join(dir, 'kustomization.yaml'));
    expect(refusal()).toContain('kustomization.yaml: missing: not a Kubernetes export');
  });
});
