import { describe, expect, it } from 'vitest';
import { cgroup2Mount, nodeCgroup, topologyCgroupName } from './cgroups.js';

describe('cgroups', () => {
  it('finds cgroup v2 at /sys/fs/cgroup or, on a hybrid host, below it', () => {
    const hybrid = '35 25 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n36 25 0:31 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n';
    expect(cgroup2Mount(hybrid)).toBe('/sys/fs/cgroup/unified');
    expect(cgroup2Mount('30 25 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n')).toBe('/sys/fs/cgroup');
    expect(cgroup2Mount('35 25 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n')).toBeUndefined();
  });

  it('names a node cgroup as nft resolves it, apart for two state folders with one topology name', () => {
    const place = nodeCgroup('/sys/fs/cgroup/unified', '/home/a/.shopctl/default', 'app1');
    expect(place.dir).toMatch(/^\/sys\/fs\/cgroup\/unified\/shopctl\/default-[0-9a-f]{8}\/app1$/);
    expect(place.nftPath).toBe(place.dir.slice('/sys/fs/cgroup/'.length));
    expect(place.level).toBe(3);
    expect(topologyCgroupName('/home/a/.shopctl/default')).not.toBe(topologyCgroupName('/home/b/.shopctl/default'));
  });
});
