import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { agentConnections, agentRunId, laneOf, parseAgentFlag, parseStartAt, requireTimeBeforeStart } from './agent.js';
import { OpenSchedule } from './executors/open-schedule.js';

describe('load agents: their place and share', () => {
  it('parses I/N and refuses what cannot be', () => {
    expect(parseAgentFlag('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '1', '-1/2', '0/0', '0/65', 'a/b']) expect(() => parseAgentFlag(bad), bad).toThrow(UsageError);
  });

  it('takes a start with its zone, ahead of now', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseStartAt('2026-11-26T10:01:00Z', now)).toBe(now + 60_000);
    expect(parseStartAt('2026-11-26T11:01:00+01:00', now)).toBe(now + 60_000);
    expect(() => parseStartAt('2026-11-26T10:01:00', now)).toThrow(/zone/);
    expect(() => parseStartAt('2026-11-26T09:59:00Z', now)).toThrow(/has passed/);
    expect(() => parseStartAt('2026-11-27T10:00:01Z', now)).toThrow(/more than 24 hours ahead/);
  });

  it('makes the run id of the agreed start and a name: a name used again for a later run gives other keys', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(agentRunId(now)).toBe('20261126-100000-agents');
    expect(agentRunId(now + 3_600_000, 'nightly')).toBe('20261126-110000-nightly');
    expect(agentRunId(now, 'nightly')).not.toBe(agentRunId(now + 1000, 'nightly'));
  });

  it('refuses an agent not ready in time before the start, saying by how much', () => {
    const start = Date.parse('2026-11-26T10:00:00Z');
    expect(() => requireTimeBeforeStart(start, 200, start - 1000)).not.toThrow();
    expect(() => requireTimeBeforeStart(start, 200, start - 100)).toThrow(/only 0\.1 s before it; nothing was sent/);
    expect(() => requireTimeBeforeStart(start, 200, start + 2500)).toThrow(/2\.5 s after it; nothing was sent/);
  });

  it("splits connections so that the agents' shares add up to the whole", () => {
    for (const [total, count] of [[50, 3], [6000, 7], [5, 5], [64, 1]] as const) {
      const shares = Array.from({ length: count }, (_, index) => agentConnections(total, { index, count }));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  });

  it("deals the open schedule out so that every agent's workers together send it once, whatever each agent's thread count", () => {
    const rate = 997;
    const endAt = 3000;
    // Send times as send numbers: lanes compute a time by their own product, the whole schedule by its own.
    const numbers = (times: number[]) => times.map((t) => Math.round((t * rate) / 1000)).sort((a, b) => a - b);
    const whole = numbers(new OpenSchedule(0, 1000 / rate, endAt).takeDue(endAt));
    for (const workersPerAgent of [[1], [2, 3], [4, 1, 2], [3, 3, 3, 5]]) {
      const count = workersPerAgent.length;
      const sent: number[] = [];
      workersPerAgent.forEach((workers, index) => {
        for (let worker = 0; worker < workers; worker++) {
          const lane = laneOf({ index, count }, worker, workers);
          sent.push(...new OpenSchedule((lane.index * 1000) / rate, (lane.of * 1000) / rate, endAt).takeDue(endAt));
        }
      });
      expect(numbers(sent), workersPerAgent.join(',')).toEqual(whole);
    }
  });
});
