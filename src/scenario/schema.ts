import { z } from 'zod';
import { FAULT_ACTIONS } from '../faults/timeline.js';
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

const nodeName = z.string().min(1);

/**
 * One fault of a schedule (faults/schedule.ts checks the nodes against the topology and the
 * times against the run). `at` counts from the start of the load, warm-up included; without
 * `for` the fault lasts until the run ends. `restart` is a kill and a start at once: no `for`.
 */
export const faultEntrySchema = z
  .strictObject({
    at: durationSchema,
    action: z.enum(FAULT_ACTIONS),
    nodes: z.array(nodeName).min(1).optional(),
    isolate: nodeName.optional(),
    /** Two groups of nodes cut from each other: `[[app1, app2], [mysql-primary]]`. */
    between: z.tuple([z.array(nodeName).min(1), z.array(nodeName).min(1)]).optional(),
    oneWay: z.boolean().default(false),
    for: durationSchema.optional(),
  })
  .superRefine((f, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (f.action === 'partition') {
      if ((f.isolate === undefined) === (f.between === undefined)) issue('isolate', 'a partition needs either isolate: NODE or between: [[A, …], [B, …]]');
      if (f.nodes !== undefined) issue('nodes', 'a partition names its nodes with isolate or between, not nodes');
    } else {
      if (f.nodes === undefined) issue('nodes', `${f.action} needs nodes: [NODE, …]`);
      if (f.isolate !== undefined || f.between !== undefined || f.oneWay) issue('isolate', `isolate, between and oneWay belong to partitions, not ${f.action}`);
    }
    if (f.action === 'restart' && f.for !== undefined) issue('for', 'restart kills and starts at once; it has no for');
  });

/** Seeded random faults: every `every`, one of `actions` on one of `targets`, lasting `for`. */
export const nemesisSchema = z.strictObject({
  actions: z.array(z.enum(FAULT_ACTIONS)).min(1),
  targets: z.array(nodeName).min(1),
  every: durationSchema,
  for: durationSchema,
  /** When the first fault comes; default: one `every` after the load starts. */
  start: durationSchema.optional(),
});

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
  /** A fault schedule driven during the load (docs/faults.md). */
  faults: z.array(faultEntrySchema).default([]),
  nemesis: nemesisSchema.optional(),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type LoadModel = ScenarioFile['load'];
export type Popularity = ScenarioFile['popularity'];
export type Mix = ScenarioFile['mix'];
export type FaultEntry = ScenarioFile['faults'][number];
export type Nemesis = NonNullable<ScenarioFile['nemesis']>;
