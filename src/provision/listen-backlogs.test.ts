import { describe, expect, it } from 'vitest';
import { loadTopology } from '../topology/load.js';
import { askedBacklogs, backlogWarnings, type SysctlReader } from './listen-backlogs.js';

const topology = loadTopology(new URL('../../topology/default.yaml', import.meta.url).pathname);
const sysctls = (values: Record<string, number>): SysctlReader => (name) => values[name] ?? null;

describe('listen backlogs against the kernel', () => {
  it('lists what nginx, each app and each redis ask for', () => {
    const asked = askedBacklogs(topology);
    expect(asked.map((a) => a.node).sort()).toEqual(['app1', 'app2', 'lb', 'redis-master', 'redis-replica']);
    expect(asked.every((a) => a.backlog === 4096)).toBe(true);
  });

  it('says nothing when somaxconn covers every backlog', () => {
    expect(backlogWarnings(topology, sysctls({ 'net.core.somaxconn': 4096, 'net.ipv4.tcp_syncookies': 1, 'net.ipv4.tcp_max_syn_backlog': 128 }))).toEqual([]);
  });

  it('warns per node when somaxconn clamps, naming the sysctl to raise', () => {
    const warnings = backlogWarnings(topology, sysctls({ 'net.core.somaxconn': 128, 'net.ipv4.tcp_syncookies': 1 }));
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(/clamped to net\.core\.somaxconn = 128; raise it \(sysctl -w net\.core\.somaxconn=4096\)/);
  });

  it('without SYN cookies, warns about a smaller tcp_max_syn_backlog too', () => {
    const warnings = backlogWarnings(topology, sysctls({ 'net.core.somaxconn': 65535, 'net.ipv4.tcp_syncookies': 0, 'net.ipv4.tcp_max_syn_backlog': 2048 }));
    expect(warnings.every((w) => w.includes('net.ipv4.tcp_max_syn_backlog = 2048'))).toBe(true);
  });

  it('says nothing where the sysctls cannot be read', () => {
    expect(backlogWarnings(topology, () => null)).toEqual([]);
  });
});
