import { describe, expect, it } from 'vitest';
import { PullTally } from './pull-progress.js';

describe('the pull progress line', () => {
  it('counts layers done and bytes downloaded, skipping the tag and digest lines', () => {
    const tally = new PullTally();
    tally.add({ id: '12', status: 'Pulling from shopctl/redis' });
    tally.add({ id: 'a1', status: 'Pulling fs layer' });
    tally.add({ id: 'b2', status: 'Pulling fs layer' });
    tally.add({ id: 'c3', status: 'Already exists' });
    tally.add({ id: 'a1', status: 'Downloading', progressDetail: { current: 10 * 2 ** 20, total: 40 * 2 ** 20 } });
    tally.add({ id: 'b2', status: 'Downloading', progressDetail: { current: 1 * 2 ** 20, total: 20 * 2 ** 20 } });
    expect(tally.summary()).toBe('1/3 layers, 11 of 60 MiB');
    tally.add({ id: 'a1', status: 'Download complete' });
    tally.add({ id: 'a1', status: 'Pull complete' });
    tally.add({ status: 'Digest: sha256:abc' });
    tally.add({ id: 'sha256:abc', status: 'Status: Downloaded newer image' });
    expect(tally.summary()).toBe('2/3 layers, 41 of 60 MiB');
  });
});
