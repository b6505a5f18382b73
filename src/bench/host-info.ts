import { spawnSync } from 'node:child_process';
import { availableParallelism, hostname, release, totalmem, type } from 'node:os';
import { findProgram, type Program } from '../provision/binaries.js';
import type { HostInfo } from './measurement.js';

/** The server versions worth writing next to a figure; each prints its version with this flag. */
const VERSIONED: [Program, string, RegExp][] = [
  ['nginx', '-v', /nginx\/(\S+)/],
  ['redis-server', '--version', /v=(\S+)/],
  ['mariadbd', '--version', /Ver (\S+)/],
];

export function hostInfo(): HostInfo {
  return {
    hostname: hostname(),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    node: process.version,
    os: `${type()} ${release()}`,
    versions: Object.fromEntries(VERSIONED.map(([program, flag, pattern]) => [program, versionOf(program, flag, pattern)])),
  };
}

function versionOf(program: Program, flag: string, pattern: RegExp): string | null {
  const path = findProgram(program);
  if (path === undefined) return null;
  const run = spawnSync(path, [flag], { encoding: 'utf8', timeout: 3000 });
  return pattern.exec(`${run.stdout ?? ''}${run.stderr ?? ''}`)?.[1] ?? null;
}

/** The soft limit on open files of this process (the generator needs one per connection). */
export function fileLimit(): number {
  const run = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const value = run.stdout.trim();
  return value === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(value) || 0;
}
