import { existsSync } from 'node:fs';
import type { Connection } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { EnvironmentError } from '../errors.js';
import { adminLogin, openMysql, withMysql } from '../clients/mysql.js';
import { openRedis, withRedis, type RedisOptions } from '../clients/redis.js';
import { endpointOf, hostPort, httpOrigin, type Addressing, type Endpoint } from '../provision/addressing.js';
import { topologyPaths, type TopologyPaths } from '../provision/home.js';
import { nodeRef, type NodeRef } from '../provision/runtime/runtime.js';
import { recordedRuntime, type AnyRuntime } from '../provision/runtime/select.js';
import { readSecrets, type Secrets } from '../provision/secrets.js';
import { readState } from '../provision/state.js';
import { currentRoles } from '../failover/current-roles.js';
import type { CurrentRoles } from '../failover/roles.js';
import { loadBalancerOf, type Topology, type TopologyNode } from '../topology/model.js';

type Reachable = Pick<TopologyNode, 'name' | 'port'>;

/**
 * A topology that `up` set up, as every command after it sees it: its state folder, passwords,
 * the runtime that started it, where each node is reached, and clients to its servers. Clients
 * opened here are closed with it (`await using running = ...`), also when the caller fails.
 * Status, bench, verify and shell read a topology through it; faults and failover will too.
 */
export class RunningTopology implements AsyncDisposable {
  private readonly opened = new Set<() => Promise<void>>();

  private rolesNow: Promise<CurrentRoles> | undefined;

  private constructor(
    readonly topology: Topology,
    readonly paths: TopologyPaths,
    readonly secrets: Secrets,
    readonly runtime: AnyRuntime,
  ) {}

  /**
   * The topology when `up` finished setting it up here (state and passwords present), whether
   * or not its nodes run now; undefined when it never was.
   */
  static find(topology: Topology): RunningTopology | undefined {
    const paths = topologyPaths(topology.name);
    if (readState(paths)?.bootstrappedAt === undefined || !existsSync(paths.secretsFile)) return undefined;
    return new RunningTopology(topology, paths, readSecrets(paths.secretsFile), recordedRuntime(topology.name, topology));
  }

  /**
   * The topology while its first `up` is still under way: state and passwords written, the
   * databases set up (the monitor node starts after them, before `up` marks the whole ready).
   */
  static findStarting(topology: Topology): RunningTopology | undefined {
    const paths = topologyPaths(topology.name);
    if (readState(paths) === undefined || !existsSync(paths.secretsFile)) return undefined;
    return new RunningTopology(topology, paths, readSecrets(paths.secretsFile), recordedRuntime(topology.name, topology));
  }

  get addressing(): Addressing {
    return this.runtime.addressing;
  }

  /** Where this CLI reaches the node. */
  endpoint(node: Reachable): Endpoint {
    return endpointOf(this.addressing, node);
  }

  /** http://host:port of the node, as this CLI reaches it. */
  origin(node: Reachable): string {
    return httpOrigin(this.addressing, node);
  }

  get loadBalancer(): string {
    return this.origin(loadBalancerOf(this.topology));
  }

  /**
   * Who is the database primary and the Redis master now (asked once per handle): after a
   * failover they are not the file's.
   */
  roles(): Promise<CurrentRoles> {
    this.rolesNow ??= currentRoles(this.topology, this.paths, this.addressing, this.secrets);
    return this.rolesNow;
  }

  /** The node as its runtime finds it (its pid, whether it runs). */
  node(node: Pick<TopologyNode, 'name'>): NodeRef {
    return nodeRef(this.paths, node.name);
  }

  /** One admin connection for `use`, closed after it. */
  withMysql<T>(node: Reachable, use: (c: Connection) => Promise<T>): Promise<T> {
    return withMysql(adminLogin(this.endpoint(node), this.secrets), use);
  }

  /** One fail-fast connection for `use`, closed after it. */
  withRedis<T>(node: Reachable, use: (r: Redis) => Promise<T>): Promise<T> {
    return withRedis(this.endpoint(node), this.secrets.redisPassword, use);
  }

  /** An admin connection kept open until this handle closes; exit 3 naming the node when it cannot be had. */
  async openMysql(node: Reachable, database?: string): Promise<Connection> {
    const endpoint = this.endpoint(node);
    const connection = await openMysql(adminLogin(endpoint, this.secrets, database)).catch((error: Error) => {
      throw unreachable(node, endpoint, error);
    });
    this.opened.add(() => connection.end().catch(() => connection.destroy()));
    return connection;
  }

  /** A fail-fast Redis connection kept open until this handle closes; exit 3 naming the node when it cannot be had. */
  async openRedis(node: Reachable, options?: RedisOptions): Promise<Redis> {
    const endpoint = this.endpoint(node);
    const redis = await openRedis(endpoint, this.secrets.redisPassword, options).catch((error: Error) => {
      throw unreachable(node, endpoint, error);
    });
    this.opened.add(async () => redis.disconnect());
    return redis;
  }

  /** Closes every client opened through this handle. */
  async close(): Promise<void> {
    const closing = [...this.opened];
    this.opened.clear();
    await Promise.all(closing.map((close) => close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function unreachable(node: Reachable, endpoint: Endpoint, error: Error): EnvironmentError {
  return new EnvironmentError(`cannot reach ${node.name} (${hostPort(endpoint.host, endpoint.port)}): ${error.message}`, ['see shopctl status']);
}
