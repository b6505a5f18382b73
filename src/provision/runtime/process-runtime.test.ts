import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cgroup2Mount, cgroupMembers, nodeCgroup, removeTopologyCgroups } from './cgroups.js';
import { topologyPaths } from '../home.js';
import { ProcessRuntime } from './process-runtime.js';
import { isLive, processGroupMembers, readProcStat } from './proc.js';

const runtime = new ProcessRuntime();
const home = mkdtempSync(join(tmpdir(), 'shopctl-runtime-'));
const paths = topologyPaths('rt', home).node('sleeper');
const node = { name: paths.name, paths };

afterEach(async () => {
  await runtime.stop(node);
});

afterAll(() => removeTopologyCgroups(join(home, 'rt')));

describe('ProcessRuntime', () => {
  it.skipIf(cgroup2Mount() === undefined || process.getuid?.() !== 0)('starts the server itself (not a shell) inside the node\'s own cgroup', async () => {
    const started = await runtime.start(node, { command: '/bin/sleep', args: ['60'] });
    const place = nodeCgroup(cgroup2Mount() ?? '', join(home, 'rt'), 'sleeper');
    // The shell joins the cgroup, then becomes the server by exec.
    for (let i = 0; i < 40 && readFileSync(`/proc/${started.pid}/cmdline`, 'utf8').startsWith('/bin/sh'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(cgroupMembers(place)).toEqual([started.pid]);
    expect(readFileSync(`/proc/${started.pid}/cmdline`, 'utf8').split('\0')[0]).toBe('/bin/sleep');
  });

  it('starts a server in its own group, records it, and stops it with its children', async () => {
    const started = await runtime.start(node, { command: '/bin/sh', args: ['-c', 'echo started; sleep 60 & wait'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(await runtime.isRunning(node)).toBe(true);
    expect(await runtime.pidOf(node)).toBe(started.pid);
    expect(processGroupMembers(started.pid)).toHaveLength(2);
    const processes = await runtime.processesOf(node);
    expect(processes).toHaveLength(2);
    expect(processes[0]).toBe(started.pid);
    expect(readFileSync(paths.logFile, 'utf8')).toContain('started');
    await runtime.stop(node);
    expect(await runtime.isRunning(node)).toBe(false);
    expect(processGroupMembers(started.pid)).toEqual([]);
    expect(await runtime.processesOf(node)).toEqual([]);
  });

  it('stops the orphans of a leader killed with SIGKILL', async () => {
    const started = await runtime.start(node, { command: '/bin/sh', args: ['-c', 'sleep 60 & wait'] });
    await new Promise((r) => setTimeout(r, 200));
    process.kill(started.pid, 'SIGKILL');
    await started.exited;
    expect(await runtime.isRunning(node)).toBe(false);
    expect(processGroupMembers(started.pid)).toHaveLength(1);
    await runtime.stop(node);
    expect(processGroupMembers(started.pid)).toEqual([]);
  });

  it('never signals a stranger that reused the recorded pid', async () => {
    // Record this test process under another start time: it must be left alone.
    const self = readProcStat(process.pid);
    writeFileSync(paths.processFile, JSON.stringify({ pid: process.pid, startTicks: (self?.startTicks ?? 0) + 1, command: 'x', args: [], startedAt: '' }));
    expect(await runtime.isRunning(node)).toBe(false);
    await runtime.stop(node);
    expect(isLive(readProcStat(process.pid))).toBe(true);
  });

  it('runs a task to completion with its output and exit code', async () => {
    const result = await runtime.runTask(node, { command: '/bin/sh', args: ['-c', 'echo out; echo err >&2; exit 3'] }, { timeoutMs: 10_000 });
    expect(result.code).toBe(3);
    expect(result.output).toContain('out');
    expect(result.output).toContain('err');
    expect(existsSync(paths.taskFile)).toBe(false);
  });

  it('records a running task so stop can end it, and kills it when aborted', async () => {
    const controller = new AbortController();
    const running = runtime.runTask(node, { command: '/bin/sh', args: ['-c', 'sleep 60 & wait'] }, { timeoutMs: 60_000, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 200));
    const { pid } = JSON.parse(readFileSync(paths.taskFile, 'utf8')) as { pid: number };
    expect(processGroupMembers(pid)).toHaveLength(2);
    controller.abort(new Error('interrupted'));
    await expect(running).rejects.toThrow('interrupted');
    expect(processGroupMembers(pid)).toEqual([]);
  });
});

describe('ProcessRuntime, unrecorded servers', () => {
  it('stops a server of its own whose record was never written, and no stranger', async () => {
    const dir = topologyPaths('rt2', home).node('orphan');
    mkdirSync(dir.dataDir, { recursive: true });
    // A server started in its own session in the node folder, as start() does, but unrecorded.
    const orphan = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir.dataDir, detached: true, stdio: 'ignore' });
    // A stranger: same program, same folder, but not a session leader.
    const stranger = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { cwd: dir.dataDir, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    try {
      await runtime.stop({ name: dir.name, paths: dir });
      expect(isLive(readProcStat(orphan.pid ?? -1))).toBe(false);
      expect(isLive(readProcStat(stranger.pid ?? -1))).toBe(true);
    } finally {
      orphan.kill('SIGKILL');
      stranger.kill('SIGKILL');
    }
  });
});
