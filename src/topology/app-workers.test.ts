import { describe, expect, it } from 'vitest';
import { defaultAppWorkers } from './app-workers.js';

describe('the default app.workers', () => {
  it.each([
    // cores, apps, workers
    [2, 2, 1],
    [1, 1, 1],
    [4, 2, 1],
    [8, 2, 2],
    [16, 2, 4],
    [16, 1, 8],
    [16, 3, 2],
    [64, 2, 16],
  ])('%i cores, %i apps: %i per app', (cores, apps, workers) => {
    expect(defaultAppWorkers(cores, apps)).toBe(workers);
  });

  it('never leaves the machine without an app process', () => {
    expect(defaultAppWorkers(1, 8)).toBe(1);
    expect(defaultAppWorkers(16, 0)).toBe(1);
  });
});
