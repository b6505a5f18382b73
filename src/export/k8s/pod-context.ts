import { basename } from 'node:path';
import { LAUNCHER } from '../../package-root.js';
import { fileRoles } from '../../failover/roles.js';
import { topologyPaths } from '../../provision/home.js';
import { programsOf } from '../../provision/nodes/kinds.js';
import type { RenderContext } from '../../provision/render-context.js';
import { programsOnImagePath } from '../../provision/runtime/docker/docker-runtime.js';
import type { LaunchSpec } from '../../provision/runtime/runtime.js';
import type { Secrets } from '../../provision/secrets.js';
import type { Topology } from '../../topology/model.js';
import { cpuLimitCores } from './resources.js';

/** Where each node's folder is in its pod (its volume), as in the compose export. */
export const POD_HOME = '/shopctl';
/** Where image/Dockerfile installs the package (`npm install -g` in node:20-bookworm-slim). */
export const IMAGE_PACKAGE = '/usr/local/lib/node_modules/shopctl';
export const IMAGE_LAUNCHER = `${IMAGE_PACKAGE}/bin/shopctl.js`;

/**
 * How the pods see the topology: bridge addressing (each node reached by the Service named
 * after it, listening on all interfaces), node folders in their volumes, programs by name (the
 * image's PATH), root inside, and the roles as the file gives them (a new cluster starts so).
 */
export function podContext(topology: Topology, secrets: Secrets): RenderContext {
  return {
    topology: { ...topology, docker: { ...topology.docker, network: 'bridge' } },
    paths: topologyPaths(topology.name, POD_HOME),
    secrets,
    addressing: { kind: 'bridge' },
    programs: programsOnImagePath(programsOf(topology.nodes)),
    runningAsRoot: true,
    roles: fileRoles(topology),
    // A pod's workers by its CPU limit, not the Kubernetes node's cores.
    cpuLimits: Object.fromEntries(topology.nodes.filter((n) => n.kind === 'nginx').map((n) => [n.name, cpuLimitCores('nginx', topology)])),
  };
}

/** A node's command line in its image: shopctl's own launcher where the image installed it. */
export function podCommand(launch: LaunchSpec): string[] {
  const command = launch.command === process.execPath ? 'node' : basename(launch.command);
  return [command, ...launch.args.map((arg) => (arg === LAUNCHER ? IMAGE_LAUNCHER : arg))];
}
