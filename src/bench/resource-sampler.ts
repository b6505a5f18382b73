import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { readProcStat, type ProcStat } from '../provision/runtime/proc.js';
import type { ResourceSample, ResourceUsage } from './measurement.js';

interface Reading {
  ticks: number;
  rssPages: number;
}

interface Target {
  name: string;
  pid: number | null;
  /** Sum the whole process group (nginx's workers), or the process alone (the generator). */
  group: boolean;
}

const sysconf = (name: string, fallback: number): number => {
  try {
    return Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim()) || fallback;
  } catch {
    return fallback;
  }
};

/**
 * CPU and memory of every node and of the generator, once a second, from /proc: each node runs
 * in its own process group, so a group's sum covers nginx's workers as well as its master.
 * 100 % CPU is one core fully busy.
 */
export class ResourceSampler {
  private readonly clockTicks = sysconf('CLK_TCK', 100);
  private readonly pageBytes = sysconf('PAGESIZE', 4096);
  private readonly series = new Map<string, ResourceSample[]>();
  private previous = new Map<string, Reading>();
  private previousAt = 0;
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly targets: Target[]) {
    for (const target of targets) this.series.set(target.name, []);
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** The latest sample of each target, for a live view. */
  latest(): Record<string, ResourceSample | undefined> {
    return Object.fromEntries([...this.series].map(([name, samples]) => [name, samples.at(-1)]));
  }

  stop(): Record<string, ResourceUsage> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.targets.map((t) => [t.name, usage(t.pid, this.series.get(t.name) ?? [])]));
  }

  private sample(): void {
    const at = Date.now();
    const stats = readAllStats();
    const current = new Map<string, Reading>();
    for (const target of this.targets) {
      if (target.pid === null) continue;
      const reading = target.group ? groupReading(stats, target.pid) : readingOf(stats.get(target.pid));
      if (reading === undefined) continue;
      current.set(target.name, reading);
      const before = this.previous.get(target.name);
      if (before === undefined || this.previousAt === 0) continue;
      const cpuPct = ((reading.ticks - before.ticks) / this.clockTicks / ((at - this.previousAt) / 1000)) * 100;
      this.series.get(target.name)?.push({ t: Math.round((at - this.startedAt) / 100) / 10, cpuPct: Math.round(cpuPct * 10) / 10, rssBytes: reading.rssPages * this.pageBytes });
    }
    this.previous = current;
    this.previousAt = at;
  }
}

/** Every process's /proc/PID/stat (those that vanish while read are skipped). */
function readAllStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat !== undefined) stats.set(Number(entry), stat);
  }
  return stats;
}

function groupReading(stats: Map<number, ProcStat>, leader: number): Reading | undefined {
  const pgrp = stats.get(leader)?.pgrp;
  if (pgrp === undefined) return undefined;
  const total: Reading = { ticks: 0, rssPages: 0 };
  for (const stat of stats.values()) {
    if (stat.pgrp !== pgrp) continue;
    total.ticks += stat.cpuTicks;
    total.rssPages += stat.rssPages;
  }
  return total;
}

function readingOf(stat: ProcStat | undefined): Reading | undefined {
  return stat === undefined ? undefined : { ticks: stat.cpuTicks, rssPages: stat.rssPages };
}

function usage(pid: number | null, series: ResourceSample[]): ResourceUsage {
  const cpu = series.map((s) => s.cpuPct);
  const mean = cpu.length === 0 ? 0 : cpu.reduce((a, b) => a + b, 0) / cpu.length;
  return {
    pid,
    cpuMeanPct: Math.round(mean * 10) / 10,
    cpuMaxPct: cpu.length === 0 ? 0 : Math.max(...cpu),
    rssMaxBytes: series.reduce((max, s) => Math.max(max, s.rssBytes), 0),
    series,
  };
}
