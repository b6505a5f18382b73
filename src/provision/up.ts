import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { allSettledOrThrow } from '../async/all-settled.js';
import { EnvironmentError, ShopctlError, UsageError } from '../errors.js';
import { currentRoles } from '../failover/current-roles.js';
import { loadBalancerOf, nodesOfKind, type NodeOfKind, type Topology, type TopologyNode } from '../topology/model.js';
import { RunningTopology } from '../running/running-topology.js';
import { silentFailoverLog } from '../failover/failover-log.js';
import { rejoinWhereNeeded } from '../failover/rejoin.js';
import type { Rejoin } from '../failover/state.js';
import { endpointOf, httpOrigin } from './addressing.js';
import type { ProvisionContext } from './context.js';
import { stopAllNodes } from './down.js';
import { ignoreEvents, type ProvisionListener } from './events.js';
import { topologyPaths, type TopologyPaths } from './home.js';
import { Interrupt } from './interrupt.js';
import { backlogWarnings } from './listen-backlogs.js';
import { acquireLock } from './lock.js';
import { logTail } from './log-tail.js';
import { programsOf, withKind } from './nodes/kinds.js';
import { bootstrapDatabases } from './nodes/mysql-bootstrap.js';
import { prepareNode } from './nodes/node-kind.js';
import { requireFreePorts } from './ports.js';
import type { PullListener } from './runtime/docker/images.js';
import { checkDockerPlacement } from './runtime/docker/placement.js';
import { recordedRuntime, runtimeFor, type AnyRuntime, type Driver } from './runtime/select.js';
import { runtimeNode } from './runtime/runtime.js';
import { loadOrCreateSecrets, type Secrets } from './secrets.js';
import { inspectState, writeState, type TopologyState } from './state.js';
import { WaitTimeout } from './wait/retry.js';
import { waitUntilReady } from './wait/wait.js';

const READY_TIMEOUT_MS = 60_000;
/** A node that already runs answers at once or is broken: do not wait a minute for it. */
const ALREADY_RUNNING_TIMEOUT_MS = 10_000;

export interface UpOptions {
  fresh: boolean;
  /** Where nodes run: processes here (`local`) or containers (`docker`). */
  driver?: Driver;
  listener?: ProvisionListener;
  /**
   * Only these nodes: each is started if it does not run, and the others are neither started nor
   * probed (`fault restart` and `fault heal`, while other faults may hold other nodes down).
   */
  only?: readonly string[];
  /**
   * Stops this `up` (it then rolls back) instead of Ctrl-C and SIGTERM, which it otherwise
   * catches itself: a bench undoing its faults must finish starting a node whatever the user
   * presses meanwhile.
   */
  signal?: AbortSignal;
}

export interface UpResult {
  topology: string;
  /** Where the load balancer answers, e.g. http://127.0.0.1:18080. */
  loadBalancer: string;
  started: string[];
  alreadyRunning: string[];
  bootstrapped: boolean;
  products?: number;
  /** What may hurt under load and `up` does not change itself: listen backlogs the kernel clamps. */
  warnings: string[];
  ms: number;
}

/**
 * Start order: data first, then the Sentinels watching Redis (apps ask them for the master), then
 * the apps that need both, then the balancer in front of them.
 */
const STAGES: readonly (readonly TopologyNode['kind'][])[] = [['redis', 'mysql'], ['sentinel', 'monitor'], ['app'], ['nginx']];

/**
 * Brings every node of the topology up and ready, idempotently: nodes that run are checked,
 * missing ones are (re)started. The first `up` also sets up the databases. On failure or
 * Ctrl-C it stops what it started; a first `up` that fails leaves nothing behind.
 */
export async function up(topology: Topology, options: UpOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const paths = topologyPaths(topology.name);
  const listener = options.listener ?? ignoreEvents;
  const driver = options.driver ?? 'local';
  const runtime = runtimeFor(driver, topology, pullProgress(listener));
  if (runtime.driver === 'docker') checkDockerPlacement(topology, runtime.addressing, topology.file);
  const interrupt = options.signal === undefined ? new Interrupt() : undefined;
  const signal = options.signal ?? (interrupt as Interrupt).signal;
  const release = acquireLock(paths.lockFile, topology.name);
  let leaveNothing = false;
  try {
    const previous = await previousState(topology, runtime, listener, options.fresh);
    if (previous !== undefined && previous.driver !== driver) {
      throw new UsageError(`topology ${topology.name} was brought up with --driver ${previous.driver}`, [`stop it first (shopctl down -t ${topology.file}), or keep --driver ${previous.driver}`]);
    }
    const firstUp = previous?.bootstrappedAt === undefined;
    leaveNothing = firstUp;
    const state = initialState(topology, previous, driver);
    writeState(paths, state);
    if (options.only !== undefined && firstUp) throw new EnvironmentError(`topology ${topology.name} was never brought up whole`, [`run shopctl up -t ${topology.file} first`]);
    const run = new UpRun({ topology, paths, secrets: loadOrCreateSecrets(paths.secretsFile), runtime, signal, only: options.only }, listener, firstUp);
    let result: Awaited<ReturnType<UpRun['execute']>>;
    try {
      result = await run.execute();
    } catch (error) {
      await run.rollback(error);
      throw signal.aborted ? signal.reason : error;
    }
    if (firstUp) writeState(paths, { ...state, bootstrappedAt: new Date().toISOString(), products: result.products });
    leaveNothing = false;
    const loadBalancer = httpOrigin(runtime.addressing, loadBalancerOf(topology));
    // The process runtime and the docker host network share this machine's network sysctls.
    const warnings = [...(runtime.driver === 'local' || topology.docker.network === 'host' ? backlogWarnings(topology) : []), ...run.rejoined.filter((r) => r.errantGtids !== '').map(errantWarning)];
    return { topology: topology.name, loadBalancer, ...result, bootstrapped: firstUp, warnings, ms: Date.now() - startedAt };
  } finally {
    interrupt?.dispose();
    release();
    // A first `up` that failed was wiped by its rollback: remove the emptied folder too.
    if (leaveNothing && existsSync(paths.root) && readdirSync(paths.root).length === 0) rmSync(paths.root, { recursive: true, force: true });
  }
}

/**
 * The state of an earlier `up`, after wiping what must not be kept: everything with `--fresh`,
 * and the half-made data of a first `up` that never finished. Refuses folders that are not
 * shopctl's and state it cannot read, rather than guess and lose data.
 */
async function previousState(topology: Topology, runtime: AnyRuntime, listener: ProvisionListener, fresh: boolean): Promise<TopologyState | undefined> {
  const paths = topologyPaths(topology.name);
  const reading = inspectState(paths);
  if (reading.kind === 'foreign') {
    throw new EnvironmentError(`${paths.root} holds files but no state.json: not a shopctl topology, so it is left alone`, [
      'move those files away, or point SHOPCTL_HOME somewhere else',
    ]);
  }
  if (reading.kind === 'unreadable' && !fresh) {
    throw new EnvironmentError(`${paths.stateFile} cannot be read (${reading.reason})`, [
      'nothing was changed; to start over from nothing (this deletes the data): shopctl up --fresh',
    ]);
  }
  const previous = reading.kind === 'ok' ? reading.state : undefined;
  if (fresh || (previous !== undefined && previous.bootstrappedAt === undefined)) {
    // What is there was started by the driver state.json names, which may not be the one asked for now.
    await wipe(paths, previous === undefined || previous.driver === runtime.driver ? runtime : recordedRuntime(topology.name, topology), listener);
    return undefined;
  }
  return previous;
}

function initialState(topology: Topology, previous: TopologyState | undefined, driver: Driver): TopologyState {
  const base = previous ?? { topology: topology.name, driver, createdAt: new Date().toISOString() };
  return { ...base, file: topology.file, nodes: topology.nodes.map((n) => n.name) };
}

/** Stops everything of the topology and deletes its data, keeping the lock we hold. */
async function wipe(paths: TopologyPaths, runtime: AnyRuntime, listener: ProvisionListener): Promise<void> {
  await stopAllNodes(paths, runtime, listener);
  for (const entry of readdirSync(paths.root)) {
    if (join(paths.root, entry) !== paths.lockFile) rmSync(join(paths.root, entry), { recursive: true, force: true, maxRetries: 3 });
  }
}

/** What one `up` works on; its ProvisionContext adds the programs once it knows which nodes start. */
interface UpSetting {
  topology: Topology;
  paths: TopologyPaths;
  secrets: Secrets;
  runtime: AnyRuntime;
  signal: AbortSignal;
  only?: readonly string[];
}

class UpRun {
  private readonly started: TopologyNode[] = [];
  private readonly alreadyRunning: string[] = [];
  /** Demoted primaries made replicas again by this run. */
  readonly rejoined: Rejoin[] = [];

  constructor(
    private readonly setting: UpSetting,
    private readonly listener: ProvisionListener,
    private readonly firstUp: boolean,
  ) {}

  async execute(): Promise<{ started: string[]; alreadyRunning: string[]; products?: number }> {
    const { topology, runtime, paths } = this.setting;
    const toStart = await nodesToStart(this.setting);
    const ctx = await provisionContext(this.setting, toStart);
    // Orphans of a killed node (nginx workers) may still hold its port.
    await Promise.all(toStart.map((n) => runtime.stop(runtimeNode(paths, n))));
    await requireFreePorts(toStart.map((n) => ({ name: n.name, endpoint: endpointOf(runtime.addressing, n) })));
    let products: number | undefined;
    for (const kinds of STAGES) {
      ctx.signal?.throwIfAborted();
      await allSettledOrThrow(nodesOf(this.setting).filter((n) => kinds.includes(n.kind)).map((n) => this.ensureRunning(n, ctx)));
      if (kinds.includes('mysql') && this.firstUp) products = await this.step('databases', () => bootstrapDatabases(ctx));
      // After a failover, a demoted primary that runs again follows the new one (with a
      // monitor node, the monitor does it).
      if (kinds.includes('mysql') && !this.firstUp && nodesOfKind(topology, 'monitor').length === 0) this.rejoined.push(...(await this.step('replication', () => rejoinDemoted(topology, nodesOf(this.setting)))));
    }
    return { started: this.started.map((n) => n.name), alreadyRunning: this.alreadyRunning, ...(products === undefined ? {} : { products }) };
  }

  /** Undoes this run after `cause`: a first `up` is wiped, a later one stops what it started. */
  async rollback(cause: unknown): Promise<void> {
    const { paths, runtime } = this.setting;
    try {
      if (this.firstUp) await wipe(paths, runtime, this.listener);
      else await Promise.all(this.started.map((n) => runtime.stop(runtimeNode(paths, n))));
    } catch (error) {
      if (cause instanceof ShopctlError) cause.details.push(`rolling back also failed: ${String(error)}`);
      else throw new AggregateError([cause, error], 'up failed and rolling back failed too');
    }
  }

  private async ensureRunning(node: TopologyNode, ctx: ProvisionContext): Promise<void> {
    const target = runtimeNode(ctx.paths, node);
    const began = Date.now();
    const event = (phase: 'starting' | 'ready' | 'running' | 'failed', message?: string) =>
      this.listener({ type: 'node', node: node.name, kind: node.kind, phase, ms: Date.now() - began, ...(message === undefined ? {} : { message }) });
    const running = await ctx.runtime.isRunning(target);
    if (!running) event('starting');
    try {
      await withKind(node, async (kind, n) => {
        const readiness = kind.readiness(n, ctx);
        if (running) {
          await waitUntilReady(readiness, { timeoutMs: ALREADY_RUNNING_TIMEOUT_MS, signal: ctx.signal });
          this.alreadyRunning.push(node.name);
          return;
        }
        await prepareNode(kind, n, ctx);
        ctx.signal?.throwIfAborted();
        const started = await ctx.runtime.start(target, kind.launch(n, ctx));
        this.started.push(node);
        const abandon = started.exited.then((code) => `the process exited with code ${String(code)}`);
        await waitUntilReady(kind.readiness(n, ctx), { timeoutMs: READY_TIMEOUT_MS, abandon, signal: ctx.signal });
      });
      event(running ? 'running' : 'ready');
    } catch (error) {
      event('failed', error instanceof Error ? error.message : String(error));
      throw nodeFailure(node, target.paths.logFile, error);
    }
  }

  private async step<T>(step: string, work: () => Promise<T>): Promise<T> {
    const began = Date.now();
    this.listener({ type: 'step', step, phase: 'started' });
    try {
      const result = await work();
      this.listener({ type: 'step', step, phase: 'done', ms: Date.now() - began });
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.listener({ type: 'step', step, phase: 'failed', ms: Date.now() - began, message });
      if (error instanceof ShopctlError) throw error;
      throw new EnvironmentError(`setting up the ${step} failed: ${message}`, [], { cause: error });
    }
  }
}

/**
 * The context of this `up`, complete before anything is rendered. Its programs are those of the
 * nodes that start (a node that runs is only probed): a program missing for a node that needs
 * no start does not stop an `up` that would not run it.
 */
async function provisionContext(setting: UpSetting, toStart: readonly TopologyNode[]): Promise<ProvisionContext> {
  const { runtime, topology, paths, secrets } = setting;
  const roles = await currentRoles(topology, paths, runtime.addressing, secrets);
  return { ...setting, addressing: runtime.addressing, programs: runtime.programs(programsOf(toStart)), runningAsRoot: process.getuid?.() === 0, roles };
}

async function rejoinDemoted(topology: Topology, nodes: readonly TopologyNode[]): Promise<Rejoin[]> {
  const databases = nodes.filter((n): n is NodeOfKind<'mysql'> => n.kind === 'mysql');
  const running = RunningTopology.find(topology);
  if (running === undefined || databases.length === 0) return [];
  try {
    return await rejoinWhereNeeded(running, databases, silentFailoverLog);
  } finally {
    await running.close();
  }
}

/** A rejoin that found errant transactions: never silent. */
function errantWarning(r: Rejoin): string {
  return `${r.node} held transactions the primary never got (GTIDs ${r.errantGtids}, ${r.errantOrders} order(s)): saved to ${r.savedTo ?? '?'}, then ${r.node} was rebuilt from the primary`;
}

/** The nodes this `up` looks after: all, or those of `only`. */
function nodesOf({ topology, only }: UpSetting): TopologyNode[] {
  return only === undefined ? topology.nodes : topology.nodes.filter((n) => only.includes(n.name));
}

async function nodesToStart(setting: UpSetting): Promise<TopologyNode[]> {
  const { paths, runtime } = setting;
  const nodes = nodesOf(setting);
  const running = await Promise.all(nodes.map((n) => runtime.isRunning(runtimeNode(paths, n))));
  return nodes.filter((_, i) => !running[i]);
}


function nodeFailure(node: TopologyNode, logFile: string, error: unknown): Error {
  if (error instanceof ShopctlError) return error;
  const reason = error instanceof WaitTimeout ? `${error.what}: ${error.lastReason}` : error instanceof Error ? error.message : String(error);
  return new EnvironmentError(`node ${node.name} (${node.kind}, port ${node.port}) did not become ready: ${reason}`, logTail(logFile), { cause: error });
}

/** Image pulls (docker driver) as events of `up`, timed from their start. */
function pullProgress(listener: ProvisionListener): PullListener {
  const began = new Map<string, number>();
  return ({ image, phase, message }) => {
    if (phase === 'started') began.set(image, Date.now());
    const ms = Date.now() - (began.get(image) ?? Date.now());
    listener({ type: 'pull', image, phase, ...(phase === 'started' ? {} : { ms }), ...(message === undefined ? {} : { message }) });
  };
}
