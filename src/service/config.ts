import { z } from 'zod';
import { loadJsonFile } from '../config-file/load-json-file.js';
import { purchaseStrategies } from '../topology/schema.js';

/**
 * What `shopctl serve` needs to run one app node; `up` writes it (0600, it holds passwords)
 * from the topology and its secrets.
 */
const database = z.strictObject({
  host: z.string(),
  port: z.number().int(),
  user: z.string(),
  password: z.string(),
  database: z.string(),
  pool: z.number().int().min(1),
});

/**
 * The Redis master: `host`/`port` as `up` found it; with `sentinels` (`ha.redis: sentinel`) the
 * app asks them for the master under `masterName` instead, and follows it when they fail over.
 */
const redis = z
  .strictObject({
    host: z.string(),
    port: z.number().int(),
    password: z.string(),
    sentinels: z.array(z.strictObject({ host: z.string(), port: z.number().int() })).min(1).optional(),
    masterName: z.string().optional(),
  })
  .refine((r) => (r.sentinels === undefined) === (r.masterName === undefined), { message: 'expected sentinels and masterName together', path: ['masterName'] });

export const serviceConfigSchema = z.strictObject({
  node: z.string(),
  host: z.string().default('127.0.0.1'),
  /** 0: any free port (tests). */
  port: z.number().int().min(0).max(65535),
  strategy: z.enum(purchaseStrategies),
  cacheTtlSeconds: z.number().int().min(1),
  nearCacheMs: z.number().int().min(0).default(1000),
  /** Processes answering as this node on its port (the topology's app.workers, resolved by `up`). */
  workers: z.number().int().min(1).default(1),
  /** Purchases this process holds at once (running or queued); more are answered 503 overloaded. */
  maxPurchasesInFlight: z.number().int().min(1).default(800),
  /** Requests of this process doing I/O at once; more wait in its work queue (work-queue.ts). */
  concurrency: z.number().int().min(1).default(256),
  /** Server-Timing on every answer (service/server-timing.ts). */
  serverTiming: z.boolean().default(true),
  redis: redis,
  mysql: z.strictObject({
    primary: database,
    replica: database,
    /**
     * Every database of the topology: the primary's pool follows whichever is writable after a
     * failover (database-pools.ts). Absent: the primary is fixed.
     */
    candidates: z.array(z.strictObject({ host: z.string(), port: z.number().int() })).optional(),
  }),
});

/** The app's accept queue; `up` warns when the kernel clamps it (provision/listen-backlogs.ts). */
export const APP_LISTEN_BACKLOG = 4096;

export type ServiceConfig = z.output<typeof serviceConfigSchema>;
export type DatabaseConfig = z.output<typeof database>;

export function loadServiceConfig(file: string): ServiceConfig {
  return loadJsonFile(file, serviceConfigSchema, 'service config');
}
