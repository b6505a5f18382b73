import { appendFileSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../../errors.js';
import { PACKAGE_ROOT } from '../../../package-root.js';
import type { Topology } from '../../../topology/model.js';
import type { Addressing } from '../../addressing.js';
import type { Program } from '../../binaries.js';
import type { LaunchSpec, NodeRef, Runtime, RuntimeNode, SharedPath, StartedNode, TaskOptions, TaskResult } from '../runtime.js';
import { dockerEngine, engineMachineAddress } from './engine.js';
import { engineAccess } from './engine-access.js';
import { ensureImage, imageFor, type PullListener } from './images.js';
import { containerOptions, type ContainerRun } from './container-spec.js';
import { nodeFilter, type ContainerRole } from './labels.js';
import { ensureNetwork, removeNetworks } from './network.js';
import { engineAddressOf } from './placement.js';

/** A server's output goes to its node's log file, as with the process runtime. */
const LOGGED = ['/bin/sh', '-c', 'exec "$0" "$@" >>"$SHOPCTL_LOG" 2>&1'];
const STOP_TIMEOUT_S = 10;

/** What the docker runtime needs of a topology: its name, its nodes (kind, server) and its docker settings. */
export type DockerPlacement = Pick<Topology, 'name' | 'nodes' | 'docker'>;

/**
 * Runs each node in a container on its server's Docker engine, on the host network (every port
 * on 127.0.0.1, as the tests here use) or the topology's bridge network (`container-spec.ts`),
 * with the node's folder mounted at the same path, so the node kinds' configs, data and logs
 * are the same files as with the process runtime. Programs are named, not located (a path on
 * this machine means nothing in an image): its PATH finds them. The app and monitor containers
 * also get this package mounted read-only, to run `shopctl serve` / `shopctl monitor` from it;
 * a node's `sharedPaths` are mounted at their paths, and one that drives the runtime (the
 * monitor, which fences by kill) gets the engines' sockets and DOCKER_HOST (`engine-access.ts`).
 */
export class DockerRuntime implements Runtime {
  readonly driver = 'docker';
  readonly addressing: Addressing;
  private readonly engines = new Map<string, Docker>();
  /** Each node's engine address, by name: queries and `stop` get only a name (a folder left on disk). */
  private readonly engineAddresses: ReadonlyMap<string, string | undefined>;

  constructor(
    private readonly topology: DockerPlacement,
    private readonly onPull: PullListener = () => {},
  ) {
    this.engineAddresses = new Map(topology.nodes.map((n) => [n.name, engineAddressOf(topology, n.server)]));
    this.addressing = topology.docker.network === 'bridge' ? { kind: 'bridge' } : { kind: 'host', addresses: this.machineAddresses() };
  }

  programs(names: readonly Program[]): Record<Program, string> {
    return programsOnImagePath(names);
  }

  async start(node: RuntimeNode, spec: LaunchSpec): Promise<StartedNode> {
    // No init process: the server is the container's pid 1 and the pid `status` shows, its
    // workers in its process group, which the bench's resource sampler adds up.
    const engines = spec.drivesRuntime === true ? engineAccess(new Set(this.engineAddresses.values()), process.env.DOCKER_HOST) : undefined;
    const container = await this.create(
      node,
      'server',
      {
        Entrypoint: LOGGED,
        Cmd: [basename(spec.command), ...spec.args],
        Env: environment({ ...spec.env, ...engines?.env, SHOPCTL_LOG: node.paths.logFile }),
      },
      [...(spec.sharedPaths ?? []), ...(engines?.sockets ?? [])],
    );
    await container.start();
    const info = await container.inspect();
    const exited = container
      .wait()
      .then((r: { StatusCode?: number }) => r.StatusCode ?? null)
      .catch(() => null);
    return { pid: info.State.Pid, exited };
  }

  async runTask(node: RuntimeNode, spec: LaunchSpec, options: TaskOptions): Promise<TaskResult> {
    options.signal?.throwIfAborted();
    const container = await this.create(node, 'task', {
      Entrypoint: [basename(spec.command)],
      Cmd: spec.args,
      Env: environment(spec.env ?? {}),
      Tty: true, // one plain stream of output, as the task printed it
    });
    const kill = () => void container.kill().catch(() => undefined);
    const timer = setTimeout(kill, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    try {
      await container.start();
      const result = (await container.wait()) as { StatusCode?: number };
      const output = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      appendFileSync(node.paths.logFile, `--- ${spec.command} exited ${String(result.StatusCode)} ---\n${output}`);
      options.signal?.throwIfAborted();
      return { code: result.StatusCode ?? null, output };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  async isRunning(node: NodeRef): Promise<boolean> {
    return (await this.serverState(node))?.Running === true;
  }

  async pidOf(node: NodeRef): Promise<number | undefined> {
    const state = await this.serverState(node);
    return state?.Running === true ? state.Pid : undefined;
  }

  /** The container's processes as its engine lists them (`docker top`): pids on the engine's host. */
  async processesOf(node: NodeRef): Promise<number[]> {
    const [found] = await this.list(node, 'server');
    if (found === undefined) return [];
    try {
      const top = (await this.engine(node).getContainer(found.Id).top()) as { Titles?: string[]; Processes?: string[][] };
      const column = top.Titles?.indexOf('PID') ?? -1;
      return column < 0 ? [] : (top.Processes ?? []).map((row) => Number(row[column])).filter((pid) => Number.isInteger(pid));
    } catch {
      return []; // stopped or removed while we looked
    }
  }

  /** Stops and removes every container of the node, found by its labels (also after a crash). */
  async stop(node: NodeRef): Promise<void> {
    await this.removeContainers(node);
  }

  /** The engine's kill (SIGKILL to the container's processes); the container stays, stopped, for `up` to replace. */
  async kill(node: NodeRef): Promise<void> {
    const container = await this.server(node);
    if (container === undefined) return;
    if ((await this.serverState(node))?.Paused === true) await container.unpause().catch(() => undefined);
    await container.kill().catch(() => undefined); // already stopped: fine
    await container.wait().catch(() => undefined);
  }

  /** The engine's pause: the container's cgroup frozen. */
  async pause(node: NodeRef): Promise<void> {
    const state = await this.serverState(node);
    if (state?.Running === true && state.Paused !== true) await (await this.server(node))?.pause();
  }

  async resume(node: NodeRef): Promise<void> {
    if ((await this.serverState(node))?.Paused === true) await (await this.server(node))?.unpause();
  }

  async isPaused(node: NodeRef): Promise<boolean> {
    return (await this.serverState(node))?.Paused === true;
  }

  /**
   * Removes the topology's bridge network from every engine its nodes use (the default one when
   * none is known), once every node is stopped; idempotent.
   */
  async removeTopologyNetwork(): Promise<void> {
    const used = [...this.engineAddresses.values()];
    const engines = new Set(used.length === 0 ? [process.env.DOCKER_HOST] : used);
    try {
      await Promise.all([...engines].map((address) => removeNetworks(this.engineAt(address), this.topology.name)));
    } catch (error) {
      throw new EnvironmentError(`the network of topology ${this.topology.name} could not be removed: ${(error as Error).message}`, [
        `see: docker network ls --filter label=io.shopctl.topology=${this.topology.name}`,
      ]);
    }
  }

  /**
   * A new container for the node (any earlier one of that role removed first): its image
   * (pulled if missing), labels, host networking, and its folder (and `shared`) mounted at the same path.
   */
  private async create(node: RuntimeNode, role: ContainerRole, run: ContainerRun, shared: readonly SharedPath[] = []): Promise<Docker.Container> {
    await this.removeContainers(node, role);
    const engine = this.engine(node);
    const image = imageFor(this.topology, node.spec);
    await ensureImage(engine, image, this.onPull);
    if (this.topology.docker.network === 'bridge' && role === 'server') await ensureNetwork(engine, this.topology.name);
    mkdirSync(node.paths.dir, { recursive: true });
    return engine.createContainer(containerOptions(this.topology, node, role, image, run, [...projectBind(node), ...shared]));
  }

  private async server(node: NodeRef): Promise<Docker.Container | undefined> {
    const [found] = await this.list(node, 'server');
    return found === undefined ? undefined : this.engine(node).getContainer(found.Id);
  }

  private async serverState(node: NodeRef): Promise<{ Running: boolean; Paused: boolean; Pid: number } | undefined> {
    const [found] = await this.list(node, 'server');
    if (found === undefined) return undefined;
    try {
      return (await this.engine(node).getContainer(found.Id).inspect()).State;
    } catch {
      return undefined; // removed while we looked
    }
  }

  private async removeContainers(node: NodeRef, role?: ContainerRole): Promise<void> {
    const engine = this.engine(node);
    const found = await this.list(node, role);
    await Promise.all(
      found.map(async (c) => {
        const container = engine.getContainer(c.Id);
        // A paused container (`fault pause`) cannot stop before it is thawed.
        if (c.State === 'paused') await container.unpause().catch(() => undefined);
        await container.stop({ t: STOP_TIMEOUT_S }).catch(() => undefined); // already stopped: fine
        await container.remove({ force: true, v: true }).catch(() => undefined);
      }),
    );
  }

  private async list(node: NodeRef, role?: ContainerRole): Promise<Docker.ContainerInfo[]> {
    try {
      return await this.engine(node).listContainers({ all: true, filters: nodeFilter(this.topology.name, node, role) });
    } catch (error) {
      throw new EnvironmentError(`the Docker engine of node ${node.name} does not answer: ${(error as Error).message}`, [
        'start one, or point DOCKER_HOST (or the topology\'s docker.hosts) at it',
      ]);
    }
  }

  /**
   * The engine of the node's server. A folder the topology no longer names (left by an earlier
   * file) is looked for on the engine of a server named `local`, which is DOCKER_HOST's unless
   * docker.hosts says otherwise.
   */
  private engine(node: NodeRef): Docker {
    return this.engineAt(this.engineAddresses.has(node.name) ? this.engineAddresses.get(node.name) : engineAddressOf(this.topology, 'local'));
  }

  /** On the host network a node is at its engine's machine: node → that address, when not this one. */
  private machineAddresses(): Record<string, string> {
    const addresses: Record<string, string> = {};
    for (const [name, engine] of this.engineAddresses) {
      const address = engineMachineAddress(engine);
      if (address !== undefined) addresses[name] = address;
    }
    return addresses;
  }

  /** The engine at an address; without one, the local socket. */
  private engineAt(address: string | undefined): Docker {
    const key = address ?? 'default';
    let engine = this.engines.get(key);
    if (engine === undefined) {
      engine = dockerEngine(address);
      this.engines.set(key, engine);
    }
    return engine;
  }
}

/** An app runs `shopctl serve` from this package, a monitor `shopctl monitor`: mounted read-only at the same path. */
function projectBind(node: RuntimeNode): SharedPath[] {
  const runsShopctl = node.spec.kind === 'app' || node.spec.kind === 'monitor';
  return runsShopctl ? [{ path: PACKAGE_ROOT, writable: false }] : [];
}

/** A program in a container is named, not located: a path on this machine means nothing in an image. */
export function programsOnImagePath(names: readonly Program[]): Record<Program, string> {
  return Object.fromEntries(names.map((name) => [name, name])) as Record<Program, string>;
}

const environment = (vars: Record<string, string>): string[] => Object.entries(vars).map(([k, v]) => `${k}=${v}`);
