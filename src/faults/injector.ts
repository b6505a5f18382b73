import { EnvironmentError, UsageError } from '../errors.js';
import { cgroup2Mount, cgroupMembers, nodeCgroup } from '../provision/runtime/cgroups.js';
import { up } from '../provision/up.js';
import type { RunningTopology } from '../running/running-topology.js';
import { faultsInForce, readActiveFaults, withFaultsLock, writeActiveFaults, type ActiveFault, type PartitionFault } from './active-faults.js';
import { applyTable, nftInstalled, removeTable, renderTable, tableName, type Cut } from './nftables.js';
import { cutsOf, describePartition, type PartitionSpec } from './partition.js';

/** What one fault command did to each node it named, in words (`killed`, `was not paused`). */
export type FaultOutcome = { node: string; done: string }[];

/**
 * The faults of one topology, injected and undone: process faults through the runtime that runs
 * the nodes, partitions through nftables (faults/nftables.ts), each recorded in faults.json
 * (active-faults.ts) under a lock of its own, so `fault` commands and a bench's schedule never
 * write it at once. `up` is the only way a node starts again, as in `up` itself.
 */
export class FaultInjector {
  /** `up` calls one at a time: two in one process would share, and release, one topology lock. */
  private starting: Promise<void> = Promise.resolve();

  /**
   * `signal`: what stops a node being started again (`up` otherwise catches Ctrl-C itself and
   * rolls back); a bench undoing its schedule passes one that never fires.
   */
  constructor(
    private readonly running: RunningTopology,
    private readonly options: { signal?: AbortSignal } = {},
  ) {}

  get nodeNames(): string[] {
    return this.running.topology.nodes.map((n) => n.name);
  }

  /** Refuses (64) a node the topology does not have, before anything is done. */
  requireNodes(nodes: readonly string[]): void {
    if (nodes.length === 0) throw new UsageError('name at least one node');
    const unknown = nodes.filter((n) => !this.nodeNames.includes(n));
    if (unknown.length > 0) throw new UsageError(`unknown node ${unknown.map((n) => `"${n}"`).join(', ')} in topology ${this.running.topology.name}`, [`nodes: ${this.nodeNames.join(', ')}`]);
  }

  async kill(nodes: readonly string[]): Promise<FaultOutcome> {
    this.requireNodes(nodes);
    return Promise.all(
      nodes.map(async (node) => {
        const ref = this.running.node({ name: node });
        const wasRunning = await this.running.runtime.isRunning(ref);
        await this.running.runtime.kill(ref);
        this.record((faults) => [...faults.filter((f) => !isAbout(f, node)), { action: 'kill', node, since: now() }]);
        return { node, done: wasRunning ? 'killed' : 'was not running' };
      }),
    );
  }

  async pause(nodes: readonly string[]): Promise<FaultOutcome> {
    this.requireNodes(nodes);
    // All or none: a node that does not run stops the command before any node is frozen.
    for (const node of nodes) {
      if (!(await this.running.runtime.isRunning(this.running.node({ name: node })))) throw new EnvironmentError(`node ${node} is not running: nothing to pause`, ['see shopctl status']);
    }
    return Promise.all(
      nodes.map(async (node) => {
        const ref = this.running.node({ name: node });
        await this.running.runtime.pause(ref);
        this.record((faults) => [...faults.filter((f) => !(f.action === 'pause' && f.node === node)), { action: 'pause', node, since: now() }]);
        return { node, done: 'paused' };
      }),
    );
  }

  /** Thaws paused nodes; one that is not paused is left as it is and said so (exit 0). */
  async resume(nodes: readonly string[]): Promise<FaultOutcome> {
    this.requireNodes(nodes);
    return Promise.all(
      nodes.map(async (node) => {
        const ref = this.running.node({ name: node });
        const paused = await this.running.runtime.isPaused(ref);
        if (paused) await this.running.runtime.resume(ref);
        this.record((faults) => faults.filter((f) => !(f.action === 'pause' && f.node === node)));
        return { node, done: paused ? 'resumed' : 'was not paused' };
      }),
    );
  }

  /**
   * Kills each node (a crash, not a clean stop) and starts it again through `up`'s own steps,
   * returning once it answers its readiness probe; a replica rejoins its primary as at `up`.
   */
  async restart(nodes: readonly string[]): Promise<FaultOutcome> {
    this.requireNodes(nodes);
    await Promise.all(nodes.map((node) => this.running.runtime.kill(this.running.node({ name: node }))));
    await this.start(nodes);
    return nodes.map((node) => ({ node, done: 'restarted' }));
  }

  /** Cuts the network as `spec` says, beside the partitions already in force; returns its id. */
  async partition(spec: PartitionSpec): Promise<{ id: number; target: string; cuts: Cut[] }> {
    const cuts = cutsOf(spec, this.nodeNames);
    const involved = [...new Set(cuts.flatMap((c) => [c.from, c.to]))];
    await this.requirePartitionable(involved);
    // A topology stopped by `down` meanwhile gets no new rules that would outlive it.
    const runs = await Promise.all(involved.map((node) => this.running.runtime.isRunning(this.running.node({ name: node }))));
    if (!runs.some(Boolean)) throw new EnvironmentError(`no node of the partition runs: topology ${this.running.topology.name} is down`, ['start it: shopctl up']);
    const target = describePartition(spec);
    let id = 0;
    this.record((faults) => {
      id = Math.max(0, ...faults.map((f) => (f.action === 'partition' ? f.id : 0))) + 1;
      const next: ActiveFault[] = [...faults, { action: 'partition', id, target, cuts, since: now() }];
      this.applyPartitions(next);
      return next;
    });
    return { id, target, cuts };
  }

  /** Removes one partition (by the id `partition` returned), leaving the others in force. */
  removePartition(id: number): void {
    this.record((faults) => {
      const kept = faults.filter((f) => !(f.action === 'partition' && f.id === id));
      this.applyPartitions(kept);
      return kept;
    });
  }

  /** Starts killed nodes again (the undoing of a kill), waiting until they are ready. */
  async startAgain(nodes: readonly string[]): Promise<void> {
    this.requireNodes(nodes);
    await this.start(nodes);
  }

  /**
   * Starts those of `nodes` that do not run. A fault's heal ends with it: a node paused or cut
   * off may have been killed meanwhile by the failover monitor (fencing), and a healed run
   * leaves the topology whole. Returns the nodes started.
   */
  async startThoseDown(nodes: readonly string[]): Promise<string[]> {
    this.requireNodes(nodes);
    const running = await Promise.all(nodes.map((node) => this.running.runtime.isRunning(this.running.node({ name: node }))));
    const down = nodes.filter((_, i) => !running[i]);
    if (down.length > 0) await this.start(down);
    return down;
  }

  /**
   * What a schedule with partitions needs, checked before any load is sent: the local driver,
   * cgroup v2, nftables, and every node in its own cgroup.
   */
  async requirePartitions(): Promise<void> {
    await this.requirePartitionable(this.nodeNames);
    if (!nftInstalled()) throw new EnvironmentError('partitions need nftables (nft), and it is not installed', ['install it: apt-get install -y nftables (or run scripts/setup.sh)']);
  }

  /**
   * Undoes faults: with no node named, every one (partitions removed, paused nodes thawed,
   * killed nodes started again); with nodes, those that touch them (a partition touching one of
   * them is removed whole). Also what faults.json does not know of: a paused node is found by
   * its state, a killed one by not running.
   */
  async heal(nodes: readonly string[] = []): Promise<FaultOutcome> {
    if (nodes.length > 0) this.requireNodes(nodes);
    const targets = nodes.length > 0 ? nodes : this.nodeNames;
    const outcome: FaultOutcome = [];
    this.record((faults) => {
      const kept = faults.filter((f) => f.action !== 'partition' || (nodes.length > 0 && !f.cuts.some((c) => nodes.includes(c.from) || nodes.includes(c.to))));
      for (const f of faults) if (f.action === 'partition' && !kept.includes(f)) outcome.push({ node: f.target, done: `partition #${f.id} healed` });
      if (nodes.length === 0 || faults.some((f) => !kept.includes(f))) this.applyPartitions(kept);
      return kept;
    });
    const down: string[] = [];
    for (const node of targets) {
      const ref = this.running.node({ name: node });
      if (await this.running.runtime.isPaused(ref)) {
        await this.running.runtime.resume(ref);
        outcome.push({ node, done: 'resumed' });
      } else if (!(await this.running.runtime.isRunning(ref))) down.push(node);
    }
    if (down.length > 0) {
      await this.start(down);
      outcome.push(...down.map((node) => ({ node, done: 'started again' })));
    }
    this.record((faults) => faults.filter((f) => f.action === 'partition' || !targets.includes(f.node)));
    return outcome;
  }

  /** The faults in force (active-faults.ts `faultsInForce`). */
  list(): Promise<ActiveFault[]> {
    return faultsInForce(this.running.paths, this.running.runtime);
  }

  /** Starts nodes through `up`'s own steps (it has its own Ctrl-C handling) and waits until they are ready. */
  private async start(nodes: readonly string[]): Promise<void> {
    const started = this.starting.then(() => up(this.running.topology, { fresh: false, driver: this.running.runtime.driver, only: nodes, ...this.options }));
    this.starting = started.then(
      () => undefined,
      () => undefined,
    );
    await started;
    this.record((faults) => faults.filter((f) => f.action === 'partition' || !nodes.includes(f.node)));
  }

  /** Partitions need processes in their own cgroups and nftables (docs/faults.md). */
  private async requirePartitionable(involved: readonly string[]): Promise<void> {
    if (this.running.runtime.driver === 'docker') {
      throw new UsageError('partitions are implemented for the local driver only', ['the docker driver supports kill, pause, resume and restart (docs/faults.md says why)']);
    }
    const mount = cgroup2Mount();
    if (mount === undefined) throw new EnvironmentError('partitions need cgroup v2 under /sys/fs/cgroup, and this machine has none');
    for (const node of involved) {
      const pid = await this.running.runtime.pidOf(this.running.node({ name: node }));
      if (pid !== undefined && !cgroupMembers(nodeCgroup(mount, this.running.paths.root, node)).includes(pid)) {
        throw new EnvironmentError(`node ${node} does not run in its own cgroup, so a partition cannot tell its packets apart`, [
          `it was started by an older shopctl, or without root (partitions need root); as root: shopctl fault restart ${node}`,
        ]);
      }
    }
  }

  private applyPartitions(faults: readonly ActiveFault[]): void {
    const cuts = faults.filter((f): f is PartitionFault => f.action === 'partition').flatMap((f) => f.cuts);
    const table = tableName(this.running.paths.root);
    const mount = cgroup2Mount();
    // Nothing to cut: delete the table if there is one (without nft or root there cannot be one).
    if (cuts.length === 0 || mount === undefined) return removeTable(table);
    applyTable(renderTable(table, cuts, (node) => nodeCgroup(mount, this.running.paths.root, node)));
  }

  /** Reads, changes and writes faults.json under its lock. */
  private record(change: (faults: ActiveFault[]) => ActiveFault[]): void {
    withFaultsLock(this.running.paths, this.running.topology.name, () => writeActiveFaults(this.running.paths, change(readActiveFaults(this.running.paths))));
  }
}

function isAbout(fault: ActiveFault, node: string): boolean {
  return fault.action !== 'partition' && fault.node === node;
}

const now = () => new Date().toISOString();
