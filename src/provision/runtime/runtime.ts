import type { NodePaths } from '../home.js';

/** How to start a node's server: a program, its arguments and environment. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface TaskResult {
  code: number | null;
  /** What the task printed (stdout and stderr together). */
  output: string;
}

export interface TaskOptions {
  /** The task is killed after this long. */
  timeoutMs: number;
  /** Kills the task and rejects with the abort reason (Ctrl-C). */
  signal?: AbortSignal;
}

export interface StartedNode {
  pid: number;
  /** Settles when the process exits while this CLI still runs (for fail-fast readiness). */
  exited: Promise<number | null>;
}

/**
 * Where a node runs. Node kinds (nginx, app, redis, mysql) say what to run; a runtime says how.
 * The process runtime is the default; a docker runtime implements the same calls.
 */
export interface Runtime {
  start(node: NodePaths, spec: LaunchSpec): StartedNode;
  /**
   * Runs a one-off program for the node to completion (initializing its data directory),
   * tracked like a server so that `stop` ends it too if this CLI dies while it runs.
   */
  runTask(node: NodePaths, spec: LaunchSpec, options: TaskOptions): Promise<TaskResult>;
  /** The node's server is running and is the one this runtime started. */
  isRunning(node: NodePaths): boolean;
  /** The pid (or container) to show in `status`, when running. */
  pidOf(node: NodePaths): number | undefined;
  /** Stops everything this runtime started for the node, also orphans of a crash; idempotent. */
  stop(node: NodePaths): Promise<void>;
}
