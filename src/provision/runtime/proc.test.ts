import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isLive, processGroupMembers, readProcStat } from './proc.js';

describe('/proc readings', () => {
  it('reads this process: live, with a start time and a process group', () => {
    const stat = readProcStat(process.pid);
    expect(isLive(stat)).toBe(true);
    expect(stat?.startTicks).toBeGreaterThan(0);
    expect(processGroupMembers(stat?.pgrp ?? -1)).toContain(process.pid);
  });

  it('finds every member of a detached group, and nothing once it is gone', async () => {
    // A shell that forks a child: both share the new group led by the shell.
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
    const pid = child.pid ?? -1;
    await new Promise((r) => setTimeout(r, 200));
    const members = processGroupMembers(pid);
    expect(members).toContain(pid);
    expect(members.length).toBe(2);
    process.kill(-pid, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 100));
    expect(processGroupMembers(pid)).toEqual([]);
  });

  it('knows no process for a pid that does not exist', () => {
    expect(readProcStat(2 ** 22 + 1)).toBeUndefined();
    expect(isLive(undefined)).toBe(false);
  });
});
