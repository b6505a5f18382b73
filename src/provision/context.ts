import type { NodeOfKind, Topology } from '../topology/model.js';
import type { NodeKindName } from '../topology/schema.js';
import type { Program } from './binaries.js';
import type { TopologyPaths } from './home.js';
import type { LaunchSpec, Runtime } from './runtime/runtime.js';
import type { Secrets } from './secrets.js';
import type { WaitStrategy } from './wait/wait-strategy.js';

/** Everything a node kind needs to configure, start, probe and inspect one node. */
export interface ProvisionContext {
  topology: Topology;
  paths: TopologyPaths;
  secrets: Secrets;
  programs: Partial<Record<Program, string>>;
  /** Servers refuse root unless told (mariadbd --user, nginx user). */
  runningAsRoot: boolean;
  /** Where nodes run; node kinds use it for one-off tasks (initializing data). */
  runtime: Runtime;
  /** Fires when the user interrupts: long waits and tasks stop at once. */
  signal?: AbortSignal;
}

/** What `status` shows for a node beyond "its process runs". */
export interface NodeHealth {
  healthy: boolean;
  detail: string;
  replication?: Record<string, string | number | boolean | null>;
  connections?: number;
}

/** What one kind of node (nginx, app, redis, mysql) needs, whatever runtime runs it. */
export interface NodeKind<K extends NodeKindName> {
  programs: readonly Program[];
  /** Writes the node's config and initializes its data directory if it has none. */
  prepare(node: NodeOfKind<K>, ctx: ProvisionContext): Promise<void>;
  launch(node: NodeOfKind<K>, ctx: ProvisionContext): LaunchSpec;
  /** Probes that pass once the node serves; polled in order. */
  readiness(node: NodeOfKind<K>, ctx: ProvisionContext): WaitStrategy[];
  health(node: NodeOfKind<K>, ctx: ProvisionContext): Promise<NodeHealth>;
}

export function provisionContext(topology: Topology, paths: TopologyPaths, secrets: Secrets, runtime: Runtime, signal?: AbortSignal): ProvisionContext {
  return { topology, paths, secrets, runtime, programs: {}, runningAsRoot: process.getuid?.() === 0, ...(signal ? { signal } : {}) };
}

export function program(ctx: ProvisionContext, name: Program): string {
  const path = ctx.programs[name];
  if (path === undefined) throw new Error(`program ${name} was not resolved before use`);
  return path;
}
