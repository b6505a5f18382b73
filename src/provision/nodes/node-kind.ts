import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { NodeOfKind } from '../../topology/model.js';
import type { NodeKindName } from '../../topology/schema.js';
import type { RunningTopology } from '../../running/running-topology.js';
import type { Program } from '../binaries.js';
import type { ProvisionContext } from '../context.js';
import type { RenderContext } from '../render-context.js';
import type { LaunchSpec } from '../runtime/runtime.js';
import type { WaitStrategy } from '../wait/wait-strategy.js';

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
  /**
   * Written once, then the server's: Sentinel rewrites its config with what it learned (the
   * master now, its epoch, the other Sentinels), which a restart must not throw away.
   */
  ownedByServer?: boolean;
}

/**
 * What one kind of node (nginx, app, redis, mysql) needs, whatever runs it: a runtime of `up`,
 * or the services of an exported docker-compose file (which renders the same files and dirs).
 * Rendering needs only a RenderContext; starting needs the runtime; health reads a running topology.
 */
export interface NodeKind<K extends NodeKindName> {
  programs: readonly Program[];
  /** Folders the server needs before it starts (data, temp). */
  directories(node: NodeOfKind<K>, ctx: RenderContext): string[];
  /** The node's config files. */
  files(node: NodeOfKind<K>, ctx: RenderContext): NodeFile[];
  /** Work before a start once files and folders exist: initializing an empty data directory. */
  initialize?(node: NodeOfKind<K>, ctx: ProvisionContext): Promise<void>;
  launch(node: NodeOfKind<K>, ctx: RenderContext): LaunchSpec;
  /** Probes that pass once the node serves; polled in order. */
  readiness(node: NodeOfKind<K>, ctx: RenderContext): WaitStrategy[];
  health(node: NodeOfKind<K>, running: RunningTopology): Promise<NodeHealth>;
}

/** Writes the node's folders and config files, then initializes what needs it. */
export async function prepareNode<K extends NodeKindName>(kind: NodeKind<K>, node: NodeOfKind<K>, ctx: ProvisionContext): Promise<void> {
  mkdirSync(ctx.paths.node(node.name).dir, { recursive: true });
  for (const dir of kind.directories(node, ctx)) mkdirSync(dir, { recursive: true });
  for (const file of kind.files(node, ctx)) {
    if (file.ownedByServer === true && existsSync(file.path)) continue;
    writeFileSync(file.path, file.content, { mode: file.secret ? 0o600 : 0o644 });
  }
  await kind.initialize?.(node, ctx);
}
