import { z } from 'zod';

/**
 * The schema of `topology/*.yaml` (DESIGN.md section 3): which nodes run, in which role, on
 * which port, grouped onto which of the S servers, with which limits, and the catalog to seed.
 * Cross-field rules (references, port clashes, connection budgets) live in `validate.ts`.
 */
const nodeName = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,29}[a-z0-9])?$/, 'expected a lowercase name of letters, digits and dashes, starting with a letter and not ending with a dash (at most 31)');
const port = z.number().int().min(1024, 'expected a port from 1024 to 65535').max(65535, 'expected a port from 1024 to 65535');

const nginxNode = z.strictObject({
  kind: z.literal('nginx'),
  port,
  /** App nodes behind this load balancer. */
  upstreams: z.array(nodeName).min(1, 'expected at least one app node'),
  /** Per worker; 6000 clients need one connection each plus one to an app. */
  workerConnections: z.number().int().min(512).max(1_000_000).default(16384),
  /** Idle keep-alive connections each worker keeps to the apps; default workerConnections / 2 (nginx-config.ts). */
  upstreamKeepalive: z.number().int().min(1).max(500_000).optional(),
  listenBacklog: z.number().int().min(128).max(65535).default(4096),
  maxBodyKiB: z.number().int().min(1).max(1024).default(16),
  accessLog: z.boolean().default(false),
});

const appNode = z.strictObject({
  kind: z.literal('app'),
  port,
});

const redisNode = z.strictObject({
  kind: z.literal('redis'),
  port,
  replicaOf: nodeName.optional(),
});

const mysqlNode = z.strictObject({
  kind: z.literal('mysql'),
  port,
  replicaOf: nodeName.optional(),
  /** The database engine; only MariaDB runs here (Debian ships no MySQL 8). */
  flavor: z.enum(['mariadb', 'mysql']).default('mariadb'),
  bufferPoolMiB: z.number().int().min(16).max(65536).default(256),
});

/** A Redis Sentinel (`ha.redis: sentinel`): three of them, quorum 2, watch the Redis master. */
const sentinelNode = z.strictObject({
  kind: z.literal('sentinel'),
  port,
});

/**
 * The database failover monitor (`ha.mysql.failover: auto`), modelled on MaxScale's mariadbmon
 * (docs/failover.md): it checks the primary every `intervalMs`, counts `failcount` failed checks,
 * asks the replica for a second opinion, then fences the old primary and promotes the replica.
 * `port` serves its state and planned switchovers over HTTP.
 */
const monitorNode = z.strictObject({
  kind: z.literal('monitor'),
  port,
  intervalMs: z.number().int().min(100).max(60_000).default(1000),
  failcount: z.number().int().min(1).max(100).default(3),
  /** After an automatic failover, no other one for this long (anti-flapping). */
  cooldownS: z.number().int().min(0).max(86_400).default(60),
});

export const nodeSchema = z.discriminatedUnion('kind', [nginxNode, appNode, redisNode, mysqlNode, sentinelNode, monitorNode], {
  error: 'expected a node with kind nginx, app, redis, mysql, sentinel or monitor',
});

/**
 * High availability (DESIGN.md section 8): `redis: sentinel` needs three sentinel nodes;
 * `mysql.failover: auto` needs one monitor node; `replication: semisync` is MariaDB's lossless
 * AFTER_SYNC semi-synchronous replication with no fallback to asynchronous (docs/failover.md).
 */
const haSettings = z.strictObject({
  redis: z.enum(['none', 'sentinel']).default('none'),
  mysql: z
    .strictObject({
      failover: z.enum(['none', 'auto']).default('none'),
      replication: z.enum(['async', 'semisync']).default('async'),
    })
    .prefault({}),
});

export const purchaseStrategies = ['seed', 'atomic', 'batched'] as const;

const appSettings = z.strictObject({
  strategy: z.enum(purchaseStrategies).default('seed'),
  /**
   * Processes per app node, answering as one on its port (default: half the machine's cores
   * shared among the app nodes, at least 1; `app-workers.ts`).
   */
  workers: z.number().int().min(1).max(256).optional(),
  /**
   * Database connections each app process may hold; apps × workers × pool + reserve must fit
   * `limits` (`pool-budget.ts`). A pool left out gets an even share of its database's budget.
   */
  pools: z
    .strictObject({
      primary: z.number().int().min(1).max(5000).optional(),
      replica: z.number().int().min(1).max(5000).optional(),
    })
    .prefault({}),
  cacheTtlSeconds: z.number().int().min(1).max(86_400).default(300),
  /** How long an app keeps a hot product answer in its own memory (0: not at all). */
  nearCacheMs: z.number().int().min(0).max(60_000).default(1000),
  /**
   * Purchases each app process holds at once (running or waiting in its work queue); more are
   * refused at admission (503 overloaded, nothing sold). Default: 8 × concurrency.
   */
  maxPurchasesInFlight: z.number().int().min(1).max(100_000).optional(),
  /**
   * Requests of each lane (views past the near cache, purchases) each app process lets do I/O
   * at once; the rest wait in order in their lane (service/work-queue.ts). Default: 256.
   */
  concurrency: z.number().int().min(1).max(100_000).optional(),
  /** Server-Timing on every answer (the bench's split of latency by phase); false hides the app's internals. */
  serverTiming: z.boolean().default(true),
});

const catalog = z.strictObject({
  products: z.number().int().min(1).max(10_000_000),
  stock: z
    .strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .refine((s) => s.min <= s.max, 'expected min <= max'),
  priceCents: z
    .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })
    .refine((p) => p.min <= p.max, 'expected min <= max')
    .prefault({ min: 199, max: 99_999 }),
  /** Seed of the catalog's generator: the same seed gives the same catalog. */
  seed: z.number().int().min(0).default(1),
});

/**
 * Where the docker driver runs nodes: an image per node kind (the official images by default;
 * topology/docker-local.yaml names the ones scripts/docker/build-images.sh builds), and the
 * Docker engine of each server (default: DOCKER_HOST, or the local socket).
 */
const dockerSettings = z.strictObject({
  images: z
    .strictObject({
      nginx: z.string().min(1).default('nginx:1.27-bookworm'),
      app: z.string().min(1).default('node:20-bookworm-slim'),
      redis: z.string().min(1).default('redis:7.0-bookworm'),
      mariadb: z.string().min(1).default('mariadb:10.11'),
      mysql: z.string().min(1).default('mysql:8.0'),
    })
    .prefault({}),
  /**
   * `host`: every container on its engine's host network, all nodes on 127.0.0.1 (the tested
   * mode). `bridge`: a user-defined network per topology, nodes reach each other by name and
   * publish their ports on the engine's 127.0.0.1.
   */
  network: z.enum(['host', 'bridge']).default('host'),
  /** Server name → its engine, e.g. tcp://10.0.0.2:2376 or unix:///var/run/docker.sock. */
  hosts: z.record(nodeName, z.string().regex(/^(unix|tcp|http|https):\/\//, 'expected unix://…, tcp://… or http(s)://…')).default({}),
});

/** The docker settings of a topology that names none: official images, DOCKER_HOST's engine. */
export const DOCKER_DEFAULTS = dockerSettings.parse({});

export const topologySchema = z.strictObject({
  name: nodeName,
  description: z.string().optional(),
  limits: z
    .strictObject({
      /** S: how many servers the nodes may be grouped onto. */
      maxServers: z.number().int().min(1).max(64).default(4),
      /** C: max_connections of each database. */
      connectionsPerDatabase: z.number().int().min(20).max(100_000).default(300),
    })
    .prefault({}),
  /** Server name → the nodes that share it (on this machine all are on 127.0.0.1). */
  servers: z.record(nodeName, z.array(nodeName).min(1)),
  nodes: z.record(nodeName, nodeSchema),
  app: appSettings.prefault({}),
  ha: haSettings.prefault({}),
  catalog,
  docker: dockerSettings.prefault({}),
});

export type TopologyFile = z.output<typeof topologySchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type NodeKindName = NodeSpec['kind'];
export type HaSettings = z.output<typeof haSettings>;
export type PurchaseStrategy = (typeof purchaseStrategies)[number];
