import type { Addressing } from '../addressing.js';
import type { Program } from '../binaries.js';
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
  /** `local` (processes on this machine) or `docker` (containers); recorded in state.json. */
  readonly driver: 'local' | 'docker';
  /** How the nodes it runs reach each other. */
  readonly addressing: Addressing;
  /**
   * The programs as this runtime runs them: paths found on this machine (process runtime), or
   * names the image's PATH resolves (docker). Throws, naming the package, when one is missing.
   */
  programs(names: readonly Program[]): Record<Program, string>;
  start(node: NodePaths, spec: LaunchSpec): Promise<StartedNode>;
  /**
   * Runs a one-off program for the node to completion (initializing its data directory),
   * tracked like a server so that `stop` ends it too if this CLI dies while it runs.
   */
  runTask(node: NodePaths, spec: LaunchSpec, options: TaskOptions): Promise<TaskResult>;
  /** The node's server is running and is the one this runtime started. */
  isRunning(node: NodePaths): Promise<boolean>;
  /** The pid (or container) to show in `status`, when running. */
  pidOf(node: NodePaths): Promise<number | undefined>;
  /** Stops everything this runtime started for the node, also orphans of a crash; idempotent. */
  stop(node: NodePaths): Promise<void>;
  /**
   * Refuses (64), before anything starts, a placement whose nodes could not reach each other or
   * that this CLI could not reach; `file` is named in the error.
   */
  checkPlacement(file: string): void;
  /** Removes what it made for the topology as a whole (docker: its network), once every node is stopped; idempotent. */
  releaseTopology(): Promise<void>;
}
