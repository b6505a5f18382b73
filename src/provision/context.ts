import { mkdirSync, writeFileSync } from 'node:fs';
import type { NodeOfKind, Topology } from '../topology/model.js';
import type { NodeKindName } from '../topology/schema.js';
import type { Addressing } from './addressing.js';
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
  /** How nodes reach each other (loopback, or by name on a bridge network); configs follow it. */
  addressing: Addressing;
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

/** A config file of a node, rendered from the topology. */
export interface NodeFile {
  path: string;
  content: string;
  /** Files holding a password are 0600. */
  secret: boolean;
}

/**
 * What one kind of node (nginx, app, redis, mysql) needs, whatever runs it: a runtime of `up`,
 * or the services of an exported docker-compose file (which renders the same files and dirs).
 */
export interface NodeKind<K extends NodeKindName> {
  programs: readonly Program[];
  /** Folders the server needs before it starts (data, temp). */
  directories(node: NodeOfKind<K>, ctx: ProvisionContext): string[];
  /** The node's config files. */
  files(node: NodeOfKind<K>, ctx: ProvisionContext): NodeFile[];
  /** Work before a start once files and folders exist: initializing an empty data directory. */
  initialize?(node: NodeOfKind<K>, ctx: ProvisionContext): Promise<void>;
  launch(node: NodeOfKind<K>, ctx: ProvisionContext): LaunchSpec;
  /** Probes that pass once the node serves; polled in order. */
  readiness(node: NodeOfKind<K>, ctx: ProvisionContext): WaitStrategy[];
  health(node: NodeOfKind<K>, ctx: ProvisionContext): Promise<NodeHealth>;
}

export function provisionContext(topology: Topology, paths: TopologyPaths, secrets: Secrets, runtime: Runtime, signal?: AbortSignal): ProvisionContext {
  return { topology, paths, secrets, runtime, addressing: runtime.addressing, programs: {}, runningAsRoot: process.getuid?.() === 0, ...(signal ? { signal } : {}) };
}

export function program(ctx: ProvisionContext, name: Program): string {
  const path = ctx.programs[name];
  if (path === undefined) throw new Error(`program ${name} was not resolved before use`);
  return path;
}

/** Writes the node's folders and config files, then initializes what needs it. */
export async function prepareNode<K extends NodeKindName>(kind: NodeKind<K>, node: NodeOfKind<K>, ctx: ProvisionContext): Promise<void> {
  mkdirSync(ctx.paths.node(node.name).dir, { recursive: true });
  for (const dir of kind.directories(node, ctx)) mkdirSync(dir, { recursive: true });
  for (const file of kind.files(node, ctx)) writeFileSync(file.path, file.content, { mode: file.secret ? 0o600 : 0o644 });
  await kind.initialize?.(node, ctx);
}
