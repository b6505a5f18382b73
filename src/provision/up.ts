import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, ShopctlError } from '../errors.js';
import type { Topology, TopologyNode } from '../topology/model.js';
import { requirePrograms, type Program } from './binaries.js';
import { provisionContext, type ProvisionContext } from './context.js';
import { stopAllNodes } from './down.js';
import { ignoreEvents, type ProvisionListener } from './events.js';
import { topologyPaths, type TopologyPaths } from './home.js';
import { acquireLock } from './lock.js';
import { logTail } from './log-tail.js';
import { withKind } from './nodes/kinds.js';
import { bootstrapDatabases } from './nodes/mysql-bootstrap.js';
import { requireFreePorts } from './ports.js';
import { ProcessRuntime } from './runtime/process-runtime.js';
import type { Runtime } from './runtime/runtime.js';
import { loadOrCreateSecrets } from './secrets.js';
import { readState, writeState, type TopologyState } from './state.js';
import { WaitTimeout } from './wait/retry.js';
import { waitUntilReady } from './wait/wait.js';

const READY_TIMEOUT_MS = 60_000;
/** A node that already runs answers at once or is broken: do not wait a minute for it. */
const ALREADY_RUNNING_TIMEOUT_MS = 10_000;

export interface UpOptions {
  fresh: boolean;
  listener?: ProvisionListener;
}

export interface UpResult {
  topology: string;
  started: string[];
  alreadyRunning: string[];
  bootstrapped: boolean;
  products?: number;
  ms: number;
}

/** Start order: data first, then the apps that need it, then the balancer in front of them. */
const STAGES: readonly (readonly TopologyNode['kind'][])[] = [['redis', 'mysql'], ['app'], ['nginx']];

/**
 * Brings every node of the topology up and ready, idempotently: nodes that run are checked,
 * missing ones are (re)started. The first `up` also sets up the databases. On failure or
 * Ctrl-C it stops what it started; a first `up` that fails leaves nothing behind.
 */
export async function up(topology: Topology, options: UpOptions): Promise<UpResult> {
  const startedAt = Date.now();
  const paths = topologyPaths(topology.name);
  const release = acquireLock(paths.lockFile, topology.name);
  const runtime = new ProcessRuntime();
  const listener = options.listener ?? ignoreEvents;
  try {
    if (options.fresh) await wipe(paths, runtime, listener);
    const previous = readState(paths);
    const firstUp = previous?.bootstrappedAt === undefined;
    // A first `up` that never finished left half-made data: start over from nothing.
    if (firstUp && previous !== undefined) await wipe(paths, runtime, listener);
    mkdirSync(paths.root, { recursive: true });
    const ctx = provisionContext(topology, paths, loadOrCreateSecrets(paths.secretsFile), runtime);
    const state: TopologyState = previous ?? { topology: topology.name, file: topology.file, driver: 'local', createdAt: new Date().toISOString(), nodes: [] };
    writeState(paths, { ...state, file: topology.file, nodes: topology.nodes.map((n) => n.name) });
    const run = new UpRun(ctx, runtime, listener, firstUp);
    const result = await run.withRollback(() => run.execute());
    if (firstUp) writeState(paths, { ...state, nodes: topology.nodes.map((n) => n.name), bootstrappedAt: new Date().toISOString(), products: result.products });
    return { topology: topology.name, ...result, bootstrapped: firstUp, ms: Date.now() - startedAt };
  } finally {
    release();
  }
}

/** Stops everything of the topology and deletes its data, keeping the lock we hold. */
async function wipe(paths: TopologyPaths, runtime: Runtime, listener: ProvisionListener): Promise<void> {
  await stopAllNodes(paths, runtime, listener);
  for (const entry of readdirSync(paths.root)) {
    if (join(paths.root, entry) !== paths.lockFile) rmSync(join(paths.root, entry), { recursive: true, force: true, maxRetries: 3 });
  }
}

class UpRun {
  private readonly started: TopologyNode[] = [];
  /** Set by Ctrl-C: no process may start after the rollback began. */
  private aborted = false;
  private readonly alreadyRunning: string[] = [];

  constructor(
    private readonly ctx: ProvisionContext,
    private readonly runtime: Runtime,
    private readonly listener: ProvisionListener,
    private readonly firstUp: boolean,
  ) {}

  async execute(): Promise<{ started: string[]; alreadyRunning: string[]; products?: number }> {
    const { topology } = this.ctx;
    const toStart = topology.nodes.filter((n) => !this.runtime.isRunning(this.ctx.paths.node(n.name)));
    this.ctx.programs = requirePrograms(programsFor(toStart));
    // Orphans of a killed node (nginx workers) may still hold its port.
    await Promise.all(toStart.map((n) => this.runtime.stop(this.ctx.paths.node(n.name))));
    await requireFreePorts(toStart);
    let products: number | undefined;
    for (const kinds of STAGES) {
      await allSettledOrThrow(topology.nodes.filter((n) => kinds.includes(n.kind)).map((n) => this.ensureRunning(n)));
      if (kinds.includes('mysql') && this.firstUp) products = await this.step('databases', () => bootstrapDatabases(this.ctx));
    }
    return { started: this.started.map((n) => n.name), alreadyRunning: this.alreadyRunning, ...(products === undefined ? {} : { products }) };
  }

  /** Runs `work`; if it fails (or the user interrupts), stops what this run started. */
  async withRollback<T>(work: () => Promise<T>): Promise<T> {
    const onSignal = (signal: NodeJS.Signals) => {
      this.aborted = true;
      void this.rollback().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await work();
    } catch (error) {
      await this.rollback().catch((rollbackError: unknown) => {
        if (error instanceof ShopctlError) error.details.push(`rolling back also failed: ${String(rollbackError)}`);
      });
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  private async rollback(): Promise<void> {
    const { paths } = this.ctx;
    if (this.firstUp) {
      await wipe(paths, this.runtime, this.listener);
      return;
    }
    await Promise.all(this.started.map((n) => this.runtime.stop(paths.node(n.name))));
  }

  private async ensureRunning(node: TopologyNode): Promise<void> {
    const paths = this.ctx.paths.node(node.name);
    const began = Date.now();
    const event = (phase: 'starting' | 'ready' | 'running' | 'failed', message?: string) =>
      this.listener({ type: 'node', node: node.name, kind: node.kind, phase, ms: Date.now() - began, ...(message === undefined ? {} : { message }) });
    const running = this.runtime.isRunning(paths);
    if (!running) event('starting');
    try {
      await withKind(node, async (kind, n) => {
        if (running) {
          await waitUntilReady(kind.readiness(n, this.ctx), { timeoutMs: ALREADY_RUNNING_TIMEOUT_MS });
          this.alreadyRunning.push(node.name);
          return;
        }
        await kind.prepare(n, this.ctx);
        if (this.aborted) throw new EnvironmentError('interrupted');
        const process = this.runtime.start(paths, kind.launch(n, this.ctx));
        this.started.push(node);
        const abandon = process.exited.then((code) => `the process exited with code ${String(code)}`);
        await waitUntilReady(kind.readiness(n, this.ctx), { timeoutMs: READY_TIMEOUT_MS, abandon });
      });
      event(running ? 'running' : 'ready');
    } catch (error) {
      event('failed', error instanceof Error ? error.message : String(error));
      throw nodeFailure(node, paths.logFile, error);
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
      throw new EnvironmentError(`setting up the ${step} failed: ${message}`);
    }
  }
}

/**
 * Like Promise.all, but waits for every branch before failing: a rollback must not race a
 * sibling that is still starting a process.
 */
async function allSettledOrThrow(work: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

function programsFor(nodes: readonly TopologyNode[]): Program[] {
  return [...new Set(nodes.flatMap((n) => withKind(n, (kind) => [...kind.programs])))];
}

function nodeFailure(node: TopologyNode, logFile: string, error: unknown): Error {
  if (error instanceof EnvironmentError) return error;
  const reason = error instanceof WaitTimeout ? `${error.what}: ${error.lastReason}` : error instanceof Error ? error.message : String(error);
  return new EnvironmentError(`node ${node.name} (${node.kind}, port ${node.port}) did not become ready: ${reason}`, logTail(logFile));
}
