import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { Topology, TopologyNode } from '../../topology/model.js';

type Sized = TopologyNode['kind'] | 'db-init' | 'bench-agent';

/**
 * Requests and limits per kind, in one table. CPU limits are generous (throttling a database or
 * the balancer adds latency the bench would blame on the design); memory limits are what the
 * servers are configured to use plus room. An app gets `app.workers` times its row: each worker
 * is a process of its own.
 */
const TABLE: Record<Sized, { cpu: [number, number]; memoryMi: [number, number] }> = {
  //              request, limit (CPU cores)   request, limit (MiB)
  nginx: { cpu: [0.5, 2], memoryMi: [128, 512] },
  app: { cpu: [0.5, 1], memoryMi: [256, 512] },
  redis: { cpu: [0.5, 1], memoryMi: [256, 1024] },
  sentinel: { cpu: [0.05, 0.25], memoryMi: [32, 128] },
  mysql: { cpu: [1, 2], memoryMi: [1024, 2048] },
  monitor: { cpu: [0.1, 0.5], memoryMi: [128, 256] },
  'db-init': { cpu: [0.1, 1], memoryMi: [128, 512] },
  'bench-agent': { cpu: [2, 4], memoryMi: [1024, 2048] },
};

export function resourcesFor(kind: Sized, topology: Pick<Topology, 'app'>): IResourceRequirements {
  const row = TABLE[kind];
  const times = kind === 'app' ? topology.app.workers : 1;
  const cpu = (cores: number) => `${Math.round(cores * times * 1000)}m`;
  const memory = (mi: number) => `${mi * times}Mi`;
  return {
    requests: { cpu: cpu(row.cpu[0]), memory: memory(row.memoryMi[0]) },
    limits: { cpu: cpu(row.cpu[1]), memory: memory(row.memoryMi[1]) },
  };
}

/** The CPU limit of a kind's container, in whole cores (rounded up). */
export function cpuLimitCores(kind: Sized, topology: Pick<Topology, 'app'>): number {
  return Math.ceil(TABLE[kind].cpu[1] * (kind === 'app' ? topology.app.workers : 1));
}

/** The size of each node's volume (its folder: a database's data, a Sentinel's rewritten config). */
export function volumeSize(kind: TopologyNode['kind']): string {
  return kind === 'mysql' ? '10Gi' : '1Gi';
}
