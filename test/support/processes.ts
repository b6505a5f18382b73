import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isPortFree } from '../../src/provision/ports.js';
import { readProcStat } from '../../src/provision/runtime/proc.js';
import type { TestTopology } from './topology.js';

/** The pid of a node's server, as `up` recorded it in the node's folder. */
export function pidOf(topo: Pick<TestTopology, 'home' | 'name'>, node: string): number {
  return (JSON.parse(readFileSync(join(topo.home, topo.name, node, 'process.json'), 'utf8')) as { pid: number }).pid;
}

/** Pids recorded in the node folders of a topology (servers, and tasks with `task.json`). */
export function recordedPids(home: string, topology: string, record: 'process' | 'task' = 'process'): number[] {
  const root = join(home, topology);
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((node) => {
    try {
      return [(JSON.parse(readFileSync(join(root, node, `${record}.json`), 'utf8')) as { pid: number }).pid];
    } catch {
      return []; // No record, or removed while we looked.
    }
  });
}

/** Live (not zombie) processes that are one of `pids`, in their process groups, or name `home`. */
export function survivors(pids: readonly number[], home: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (stat === undefined || stat.state === 'Z' || pid === process.pid) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (pids.includes(pid) || pids.includes(stat.pgrp) || cmdline.includes(home)) found.push(`${pid} ${cmdline}`);
  }
  return found;
}

export async function takenPorts(ports: readonly number[]): Promise<number[]> {
  const taken: number[] = [];
  for (const port of ports) if (!(await isPortFree({ host: '127.0.0.1', port }))) taken.push(port);
  return taken;
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
