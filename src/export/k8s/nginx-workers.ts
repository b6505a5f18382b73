import type { NodeFile } from '../../provision/nodes/node-kind.js';
import type { Topology } from '../../topology/model.js';
import { cpuLimitCores } from './resources.js';

const AUTO = /^worker_processes auto;$/m;

/**
 * nginx.conf in a pod: `worker_processes auto` counts the Kubernetes node's cores, not the
 * container's CPU limit, so a big node starts dozens of workers that share a 2-core limit
 * (throttled) and a 512 MiB one (each worker holds its own connection buffers: OOM-killed).
 * The pod gets one worker per core of its limit. `up` and compose keep `auto`: there the
 * machine is the server.
 */
export function nginxConfigForPod(file: NodeFile, topology: Pick<Topology, 'app'>): NodeFile {
  if (!AUTO.test(file.content)) throw new Error(`${file.path}: no "worker_processes auto;" line to size for the pod`);
  return { ...file, content: file.content.replace(AUTO, `worker_processes ${cpuLimitCores('nginx', topology)};`) };
}
