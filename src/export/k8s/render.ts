import { UsageError } from '../../errors.js';
import type { Secrets } from '../../provision/secrets.js';
import type { Topology } from '../../topology/model.js';
import { requireSocketsInVolumes } from '../compose/compose-file.js';
import { BENCH_DIR, BENCH_RUN, benchObjects, benchRunEnv, RUN_ENV } from './bench-job.js';
import { databaseJob, DB_INIT } from './database-job.js';
import { disruptionBudgets } from './disruption.js';
import { imageFiles } from './image-files.js';
import { kustomization, type Kustomization } from './kustomization.js';
import { requireCopiesOnDistinctServers } from './labels.js';
import { objectMeta, type ManifestFile, type TextFile } from './manifest.js';
import { podContext } from './pod-context.js';
import { readmeFile } from './readme.js';
import { nodeObjects } from './workloads.js';

export interface K8sOptions {
  namespace: string;
  image: string;
  /** Agents of the bench Job (bench/), when asked for. */
  benchAgents?: number;
}

/** A kustomization folder: '' the topology's, 'bench' the load's. */
export interface KustomizeUnit {
  dir: string;
  kustomization: Kustomization;
  manifests: ManifestFile[];
  /** Files the kustomization's generators read (run.env), as rendered. */
  texts: TextFile[];
}

export interface K8sExport {
  units: KustomizeUnit[];
  /** README and the image's Dockerfile. */
  texts: TextFile[];
}

/**
 * The topology as a kustomize folder: per node its objects (workloads.ts) in `<node>.yaml` and
 * its Secret in `<node>-secret.yaml`, the database setup Job, the disruption budgets, the
 * Namespace; and with `benchAgents` the bench folder. Every file is rendered from the same node
 * kinds `up` and the compose export use, through a RenderContext for pods.
 */
export function k8sExport(topology: Topology, secrets: Secrets, options: K8sOptions): K8sExport {
  const reserved = topology.nodes.find((n) => n.name === DB_INIT || n.name === 'namespace' || n.name === 'disruption-budgets');
  if (reserved !== undefined) throw new UsageError(`${topology.file}: nodes.${reserved.name}: the Kubernetes export uses that name itself`, ['rename that node']);
  requireCopiesOnDistinctServers(topology);
  const ctx = podContext(topology, secrets);
  // The readiness probe and the first start reach a database by its socket in the node's volume.
  requireSocketsInVolumes(ctx);
  const manifests: ManifestFile[] = [{ path: 'namespace.yaml', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: objectMeta(options.namespace, { 'shopctl.io/topology': topology.name }) }], secret: false }];
  for (const node of topology.nodes) {
    const { objects, secret } = nodeObjects(node, ctx, options.image);
    manifests.push({ path: `${node.name}.yaml`, objects, secret: false });
    if (secret !== undefined) manifests.push({ path: `${node.name}-secret.yaml`, objects: [secret], secret: true });
  }
  const init = databaseJob(ctx);
  manifests.push({ path: `${DB_INIT}.yaml`, objects: init.objects, secret: false }, { path: `${DB_INIT}-secret.yaml`, objects: [init.secret], secret: true });
  manifests.push({ path: 'disruption-budgets.yaml', objects: disruptionBudgets(topology), secret: false });
  const units: KustomizeUnit[] = [{ dir: '', kustomization: kustomization(options.namespace, manifests.map((m) => m.path)), manifests, texts: [] }];
  if (options.benchAgents !== undefined) {
    const bench: ManifestFile = { path: `${BENCH_DIR}/bench-agents.yaml`, objects: benchObjects(topology, options.image, options.benchAgents), secret: false };
    units.push({
      dir: BENCH_DIR,
      kustomization: kustomization(options.namespace, ['bench-agents.yaml'], [{ name: BENCH_RUN, envs: [RUN_ENV] }]),
      manifests: [bench],
      texts: [benchRunEnv()],
    });
  }
  return { units, texts: [readmeFile(topology, options), ...imageFiles()] };
}
