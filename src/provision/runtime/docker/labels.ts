import type { NodeRef } from '../runtime.js';

/**
 * Every container shopctl creates carries these labels, as testcontainers labels its session:
 * `down`, and the sweep before each start, find them by topology and node even after a crash.
 */
export const LABELS = {
  managed: 'io.shopctl.managed',
  topology: 'io.shopctl.topology',
  node: 'io.shopctl.node',
  /** `server` (the node's long-running program) or `task` (a one-off, like initializing data). */
  role: 'io.shopctl.role',
  home: 'io.shopctl.home',
} as const;

export type ContainerRole = 'server' | 'task';

export function labelsFor(topology: string, node: NodeRef, role: ContainerRole): Record<string, string> {
  return { [LABELS.managed]: 'true', [LABELS.topology]: topology, [LABELS.node]: node.name, [LABELS.role]: role, [LABELS.home]: node.paths.dir };
}

/** A filter for `listContainers`: this node's containers (of one role, or all). */
export function nodeFilter(topology: string, node: NodeRef, role?: ContainerRole): string {
  const label = [`${LABELS.topology}=${topology}`, `${LABELS.node}=${node.name}`, ...(role === undefined ? [] : [`${LABELS.role}=${role}`])];
  return JSON.stringify({ label });
}

/** A container name that says what it is: shopctl-<topology>-<node>[-task]. */
export function containerName(topology: string, node: NodeRef, role: ContainerRole): string {
  return `shopctl-${topology}-${node.name}${role === 'task' ? '-task' : ''}`;
}
