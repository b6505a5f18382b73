import { describe, expect, it } from 'vitest';
import { parseStartAt } from '../../bench/agent.js';
import { UsageError } from '../../errors.js';
import { loadTopology } from '../../topology/load.js';
import { benchObjects, RUN_ENV_TEMPLATE } from './bench-job.js';

const topology = loadTopology(new URL('../../../topology/default.yaml', import.meta.url).pathname, 4);

describe('the bench Job', () => {
  it('ships a START_AT that an agent refuses at once (64) until it is edited, instead of waiting for it', () => {
    const startAt = /^START_AT=(.*)$/m.exec(RUN_ENV_TEMPLATE)?.[1] ?? '';
    expect(() => parseStartAt(startAt)).toThrow(UsageError);
    expect(() => parseStartAt(startAt)).toThrow(/expected an ISO 8601 time with its zone/);
  });

  it('ends a run that hangs', () => {
    const job = benchObjects(topology, 'shopctl:test', 2).find((o) => o.kind === 'Job') as unknown as { spec: { activeDeadlineSeconds?: number } };
    expect(job.spec.activeDeadlineSeconds).toBe(7200);
  });
});
