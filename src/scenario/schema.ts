import { z } from 'zod';
import { durationSchema } from './duration.js';

/**
 * A scenario file (`scenarios/*.yaml`): the load model, the request mix, which products are
 * asked for, and the thresholds `verify` evaluates. docs/scenario.md documents every key.
 */
const closedLoad = z.strictObject({
  model: z.literal('closed'),
  /** N connections, each sending its next request as soon as the last answer came. */
  connections: z.number().int().min(1).max(100_000),
  duration: durationSchema,
  warmup: durationSchema.default(0),
  timeout: durationSchema.default(10_000),
});

const openLoad = z.strictObject({
  model: z.literal('open'),
  /** Requests per second, sent on a fixed schedule whatever the answers do. */
  rate: z.number().positive().max(1_000_000),
  /** The most requests in flight at once; a send finding none free is dropped and counted. */
  connections: z.number().int().min(1).max(100_000),
  duration: durationSchema,
  warmup: durationSchema.default(0),
  timeout: durationSchema.default(10_000),
});

export const loadSchema = z.discriminatedUnion('model', [closedLoad, openLoad]);

export const mixSchema = z
  .strictObject({ view: z.number().min(0).max(1), purchase: z.number().min(0).max(1) })
  .refine((mix) => Math.abs(mix.view + mix.purchase - 1) < 1e-9, { message: 'view + purchase must add up to 1' });

export const popularitySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('uniform') }),
  /** Product of rank k (id k) is asked for with weight 1 / k^skew. */
  z.strictObject({ kind: z.literal('zipf'), skew: z.number().positive().max(10) }),
  /** One product takes `share` of the requests; the rest are spread uniformly. */
  z.strictObject({ kind: z.literal('hot'), productId: z.number().int().min(1), share: z.number().min(0).max(1) }),
]);

export const quantitySchema = z
  .strictObject({ min: z.number().int().min(1).max(100), max: z.number().int().min(1).max(100) })
  .refine((q) => q.min <= q.max, { message: 'min must not exceed max' });

/** Threshold expressions stay text here; verify/thresholds/parse.ts parses them (bench checks them at start). */
const thresholdsSchema = z.record(z.string(), z.array(z.string()).min(1));

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lowercase letters, digits and dashes'),
  description: z.string().default(''),
  load: loadSchema,
  mix: mixSchema,
  popularity: popularitySchema.default({ kind: 'uniform' }),
  /** Products asked for are ids 1..products; default: the topology's whole catalog. */
  products: z.number().int().min(1).optional(),
  quantity: quantitySchema.default({ min: 1, max: 1 }),
  /** Purchase strategy sent with every purchase (`X-Purchase-Strategy`); default: the topology's. */
  strategy: z.enum(['seed', 'atomic', 'batched']).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
  thresholds: thresholdsSchema.default({}),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type LoadModel = ScenarioFile['load'];
export type Popularity = ScenarioFile['popularity'];
export type Mix = ScenarioFile['mix'];
