import { basename } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { nodesOfKind, type TopologyNode } from '../../topology/model.js';
import { withKind } from '../../provision/nodes/kinds.js';
import type { NodeFile } from '../../provision/nodes/node-kind.js';
import type { RenderContext } from '../../provision/render-context.js';
import { imageFor } from '../../provision/runtime/docker/images.js';
import { monitorContext } from '../compose/monitor-service.js';
import { shellLine } from '../compose/shell-quote.js';
import { ownedWhereRolesMove } from '../roles-in-files.js';
import { databaseInitContainer, secureFiles } from './database-pod.js';
import { podLabels, serverAffinity } from './labels.js';
import { monitorFiles } from './monitor-files.js';
import { fileObjects, type FileObjects, type MountedFile } from './mounted-files.js';
import { podCommand } from './pod-context.js';
import { probesFor } from './probes.js';
import { resourcesFor } from './resources.js';

/** The volume of a node's folder: a claim of its StatefulSet, or an emptyDir. */
export const NODE_VOLUME = 'node';
export const CHECKSUM_ANNOTATION = 'shopctl.io/config-checksum';

export interface NodePod {
  template: IPodTemplateSpec;
  files: FileObjects;
  /** Where the node's volume is mounted: its folder (the monitor's: the whole state folder). */
  volumePath: string;
}

/**
 * The pod of a node: the server the node kind launches, from the config files the node kind
 * renders (mounted from its ConfigMap and Secret), after the first-start steps the compose
 * export runs (folders, the first copy of a config the server rewrites, a database's install).
 */
export function nodePod(node: TopologyNode, ctx: RenderContext, shopctlImage: string): NodePod {
  // The monitor reads the topology file from where its pod has it.
  const renderCtx = node.kind === 'monitor' ? monitorContext(ctx) : ctx;
  const rendered = withKind(node, (kind, n) => kind.files(n, renderCtx));
  const configs = rendered.map((f) => ownedWhereRolesMove(node, ctx.topology, f));
  const secure = node.kind === 'mysql' ? secureFiles(ctx) : [];
  const extra = node.kind === 'monitor' ? monitorFiles(ctx) : [];
  const labels = podLabels(ctx.topology, node);
  const files = fileObjects(node.name, labels, [...configs.map(mountedFile), ...extra, ...secure]);
  // Root's password and the secure step are the first start's only: the long-running server
  // never sees them.
  const firstStartOnly = (mountPath: string) => secure.some((f) => f.mountPath === mountPath);
  const volumePath = node.kind === 'monitor' ? ctx.paths.root : ctx.paths.node(node.name).dir;
  const launch = withKind(node, (kind, n) => kind.launch(n, ctx));
  const steps = node.kind === 'mysql' ? [] : firstStart(node, ctx, configs);
  const server: IContainer = {
    name: node.kind,
    image: node.kind === 'app' || node.kind === 'monitor' ? shopctlImage : imageFor(ctx.topology, node),
    // The image's entrypoint is replaced: the node's folders first, then the server as pid 1.
    command: steps.length === 0 ? podCommand(launch) : ['/bin/sh', '-c', [...steps, 'exec "$0" "$@"'].join(' && '), ...podCommand(launch)],
    workingDir: ctx.paths.node(node.name).dir,
    ...(launch.env === undefined ? {} : { env: Object.entries(launch.env).map(([name, value]) => ({ name, value })) }),
    ports: [{ name: portName(node), containerPort: node.port }],
    ...probesFor(node, ctx),
    resources: resourcesFor(node.kind, ctx.topology),
    volumeMounts: [{ name: NODE_VOLUME, mountPath: volumePath }, ...files.mounts.filter((m) => !firstStartOnly(m.mountPath))],
  };
  return {
    template: {
      metadata: { labels, annotations: { [CHECKSUM_ANNOTATION]: files.checksum } },
      spec: {
        ...(node.kind === 'mysql' ? { initContainers: [databaseInitContainer(node, ctx, server, files.mounts.filter((m) => firstStartOnly(m.mountPath)))] } : {}),
        containers: [server],
        volumes: files.volumes,
        affinity: serverAffinity(ctx.topology, node),
        // Pods find each other by DNS; a variable per Service in the namespace is noise.
        enableServiceLinks: false,
        terminationGracePeriodSeconds: node.kind === 'mysql' ? 120 : 30,
      },
    },
    files,
    volumePath,
  };
}

export function portName(node: TopologyNode): string {
  return node.kind === 'nginx' || node.kind === 'app' || node.kind === 'monitor' ? 'http' : node.kind;
}

/**
 * Mounted at its path, or beside it for a file the server rewrites (Sentinel's), which the first
 * start copies into the node's volume.
 */
function mountedFile(file: NodeFile): MountedFile {
  return { key: basename(file.path), content: file.content, mountPath: file.ownedByServer === true ? `${file.path}.first` : file.path, secret: file.secret };
}

function firstStart(node: TopologyNode, ctx: RenderContext, configs: readonly NodeFile[]): string[] {
  const dirs = withKind(node, (kind, n) => kind.directories(n, ctx));
  // The monitor leaves its markers in the databases' folders, which in its pod are its own volume's.
  if (node.kind === 'monitor') dirs.push(...nodesOfKind(ctx.topology, 'mysql').map((n) => ctx.paths.node(n.name).dir));
  const steps = dirs.length === 0 ? [] : [shellLine(['mkdir', '-p', ...dirs])];
  for (const file of configs.filter((f) => f.ownedByServer === true)) steps.push(`{ [ -f ${file.path} ] || cp ${file.path}.first ${file.path}; }`);
  return steps;
}
