import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../errors.js';
import { acquireLock } from './lock.js';
import { readProcStat } from './runtime/proc.js';

const dir = mkdtempSync(join(tmpdir(), 'shopctl-lock-'));

describe('acquireLock', () => {
  it('writes our pid and start time and removes the file on release', () => {
    const file = join(dir, 'a', 'lock');
    const release = acquireLock(file, 'a');
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid} ${readProcStat(process.pid)?.startTicks}`);
    release();
    expect(() => readFileSync(file)).toThrow();
  });

  it('refuses with exit 3 while a live holder has it', () => {
    const file = join(dir, 'b-lock');
    // The parent process is alive and is not us: a live holder.
    writeFileSync(file, `${process.ppid} ${readProcStat(process.ppid)?.startTicks}`);
    let error: unknown;
    try {
      acquireLock(file, 'b');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toBe(`another shopctl (pid ${process.ppid}) is working on topology b; wait for it or stop it`);
  });

  it('takes over a lock whose pid was reused by another process', () => {
    const file = join(dir, 'c-lock');
    writeFileSync(file, `${process.ppid} 1`);
    const release = acquireLock(file, 'c');
    expect(readFileSync(file, 'utf8')).toContain(String(process.pid));
    release();
  });

  it('takes over a lock whose holder died, and leaves no stray files', () => {
    const file = join(dir, 'd', 'lock');
    mkdirSync(join(dir, 'd'));
    const child = spawnSync('/bin/true');
    writeFileSync(file, `${child.pid} 12345`);
    const release = acquireLock(file, 'd');
    release();
    expect(readdirSync(join(dir, 'd'))).toEqual([]);
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const file = join(dir, 'e-lock');
    const release = acquireLock(file, 'e');
    writeFileSync(file, `${process.ppid} ${readProcStat(process.ppid)?.startTicks}`);
    release();
    expect(readFileSync(file, 'utf8')).toContain(String(process.ppid));
  });
});
