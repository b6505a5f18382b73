import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../seeded-random.js';
import { OpenSchedule } from './open-schedule.js';

describe('open-model schedule', () => {
  it('does not drift: however late and irregular the wake-ups, send n is due at first + n·interval', () => {
    const interval = 1000 / 3; // 3 per second: an interval that is not a whole number of ms
    const schedule = new OpenSchedule(1000, interval, 1000 + 60_000);
    const random = seededRandom(3);
    const sent: number[] = [];
    for (let clock = 1000; clock < 62_000; clock += random() * 40 + (random() < 0.05 ? 900 : 0)) {
      sent.push(...schedule.takeDue(clock));
    }
    sent.push(...schedule.takeDue(70_000));
    expect(sent).toHaveLength(180); // exactly rate × duration, none lost to late wake-ups
    sent.forEach((at, n) => expect(at).toBeCloseTo(1000 + n * interval, 6));
  });

  it('returns each due send once and none before its time', () => {
    const schedule = new OpenSchedule(0, 10, 100);
    expect(schedule.takeDue(-1)).toEqual([]);
    expect(schedule.takeDue(25)).toEqual([0, 10, 20]);
    expect(schedule.takeDue(25)).toEqual([]);
    expect(schedule.nextAt()).toBe(30);
    expect(schedule.takeDue(1000)).toEqual([30, 40, 50, 60, 70, 80, 90]);
    expect(schedule.nextAt()).toBeUndefined();
    expect(schedule.scheduled).toBe(10);
  });

  it('splits one rate over workers without overlap (worker i takes sends i, i+W, …)', () => {
    const rate = 1000;
    const workers = 3;
    const all = Array.from({ length: workers }, (_, i) => new OpenSchedule(i * (1000 / rate), workers * (1000 / rate), 1000)).flatMap((s) => s.takeDue(2000));
    expect(all.length).toBe(1000);
    expect(new Set(all.map((t) => Math.round(t * 1000))).size).toBe(1000);
  });
});
