import type { CurrentRoles } from '../failover/roles.js';
import type { Topology } from '../topology/model.js';
import type { Addressing } from './addressing.js';
import type { Program } from './binaries.js';
import type { TopologyPaths } from './home.js';
import type { Secrets } from './secrets.js';

/**
 * Everything needed to render a node's folders, config files and command line, built once and
 * complete before anything is rendered: `up` renders for its runtime, `export compose` for
 * containers it never starts (and an export to Kubernetes would do the same).
 */
export interface RenderContext {
  readonly topology: Topology;
  /** Where each node's folder is, as the server sees it (this machine, or a container's mount). */
  readonly paths: TopologyPaths;
  readonly secrets: Secrets;
  /** How nodes reach each other (loopback, or by name on a bridge network); configs follow it. */
  readonly addressing: Addressing;
  /** The programs of the nodes being rendered: paths found here, or names an image's PATH resolves. */
  readonly programs: Readonly<Partial<Record<Program, string>>>;
  /** Servers refuse root unless told (mariadbd --user, nginx user). */
  readonly runningAsRoot: boolean;
  /**
   * Who is the database primary and the Redis master now (`failover/roles.ts`): after a
   * failover a restarted node is configured for the role it has, not the one the file gave it.
   */
  readonly roles: CurrentRoles;
  /**
   * The cores a node may use where its runtime caps them below the machine's (a pod's CPU limit),
   * by node name; absent: the machine's. nginx sizes its workers by it: `worker_processes auto`
   * counts the machine's cores, dozens on a big Kubernetes node sharing a 2-core limit.
   */
  readonly cpuLimits?: Readonly<Record<string, number>>;
}

export function program(ctx: RenderContext, name: Program): string {
  const path = ctx.programs[name];
  // The context was built for other nodes than the one being rendered: a bug, not a user error.
  if (path === undefined) throw new Error(`program ${name} is not among those this render context resolved`);
  return path;
}
