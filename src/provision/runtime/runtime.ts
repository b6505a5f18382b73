import type { TopologyNode } from '../../topology/model.js';
import type { Addressing } from '../addressing.js';
import type { Program } from '../binaries.js';
import type { NodePaths, TopologyPaths } from '../home.js';

/** How to start a node's server: a program, its arguments and environment. */
export interface LaunchSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /**
   * Folders of this machine the server reads or writes beside its node folder (the monitor:
   * the topology file's folder, the topology's state). A process has them already; a container
   * gets each mounted at the same path.
   */
  sharedPaths?: readonly SharedPath[];
  /**
   * The server drives the runtime itself: the monitor fences a primary that does not answer by
   * killing it through the runtime that started it. A container gets its engine (docs/failover.md).
   */
  drivesRuntime?: boolean;
}

export interface SharedPath {
  path: string;
  writable: boolean;
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
 * A node as a runtime finds, inspects and stops it: its name and folder. A folder left by an
 * earlier topology file has nothing more, and `down` must still stop what runs there.
 */
export interface NodeRef {
  readonly name: string;
  readonly paths: NodePaths;
}

/** A node of the topology as a runtime starts it: its kind, server and port decide image, engine and network. */
export interface RuntimeNode extends NodeRef {
  readonly spec: TopologyNode;
}

export function nodeRef(paths: TopologyPaths, name: string): NodeRef {
  return { name, paths: paths.node(name) };
}

export function runtimeNode(paths: TopologyPaths, spec: TopologyNode): RuntimeNode {
  return { name: spec.name, paths: paths.node(spec.name), spec };
}

/**
 * Where a node runs. Node kinds (nginx, app, redis, mysql) say what to run; a runtime says how.
 * The process runtime is the default; a docker runtime implements the same calls. What only one
 * runtime has (docker's placement check and network) stays on that runtime's class.
 *
 * Faults (kill, pause, resume a node) are node calls beside `stop`: each runtime knows how to
 * reach what it started (a process group, a container). Cutting the network is `faults/`'s.
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
  start(node: RuntimeNode, spec: LaunchSpec): Promise<StartedNode>;
  /**
   * Runs a one-off program for the node to completion (initializing its data directory),
   * tracked like a server so that `stop` ends it too if this CLI dies while it runs.
   */
  runTask(node: RuntimeNode, spec: LaunchSpec, options: TaskOptions): Promise<TaskResult>;
  /** The node's server is running and is the one this runtime started. */
  isRunning(node: NodeRef): Promise<boolean>;
  /** The pid (or container) to show in `status`, when running. */
  pidOf(node: NodeRef): Promise<number | undefined>;
  /**
   * Every process of the node's server, its main one first (an app node's primary and workers,
   * nginx's master and workers); empty when it does not run.
   */
  processesOf(node: NodeRef): Promise<number[]>;
  /** Stops everything this runtime started for the node, also orphans of a crash; idempotent. */
  stop(node: NodeRef): Promise<void>;
  /** Fault: SIGKILL of everything the node runs, at once (a container: the engine's kill); returns when it is gone. */
  kill(node: NodeRef): Promise<void>;
  /** Fault: freezes the node (SIGSTOP of its process group; a container: the engine's pause). */
  pause(node: NodeRef): Promise<void>;
  /** Thaws a paused node; nothing when it is not paused. */
  resume(node: NodeRef): Promise<void>;
  isPaused(node: NodeRef): Promise<boolean>;
}
