import { basename } from 'node:path';
import type { RenderContext } from '../../provision/render-context.js';
import type { Topology } from '../../topology/model.js';
import type { TopologyState } from '../../provision/state.js';
import { topologyAsRun, topologyInContainer } from '../compose/monitor-service.js';
import type { MountedFile } from './mounted-files.js';

/** The key of the topology as the cluster runs it, in the monitor's ConfigMap and the bench's. */
export const TOPOLOGY_KEY = 'topology.yaml';

/**
 * What `shopctl monitor` opens beside its config, as in the compose export (monitor-service.ts):
 * the topology as the cluster runs it, a `state.json` naming the docker driver, and the
 * passwords. Its state folder is its volume, so the promotion record outlives the pod. No
 * engine answers in a pod, and it may not delete pods: it fences by read-only only.
 * `createdAt` is fixed: the manifests carry no time, so an unchanged export is unchanged.
 */
export function monitorFiles(ctx: RenderContext): MountedFile[] {
  const state: TopologyState = { topology: ctx.topology.name, file: topologyInContainer(ctx), driver: 'docker', createdAt: '1970-01-01T00:00:00.000Z', nodes: ctx.topology.nodes.map((n) => n.name) };
  return [
    { key: TOPOLOGY_KEY, content: topologyInCluster(ctx.topology), mountPath: topologyInContainer(ctx), secret: false },
    { key: 'state.json', content: `${JSON.stringify(state, null, 2)}\n`, mountPath: ctx.paths.stateFile, secret: false },
    { key: 'secrets.json', content: `${JSON.stringify(ctx.secrets, null, 2)}\n`, mountPath: ctx.paths.secretsFile, secret: true },
  ];
}

/** The user's file on the pods' network (bridge: nodes by name), without Docker engines. */
export function topologyInCluster(topology: Topology): string {
  return topologyAsRun(topology, 'bridge', `the cluster (shopctl export k8s from ${basename(topology.file)})`);
}
