import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../errors.js';
import { findProgram, requirePrograms } from './binaries.js';

function folderWith(...programs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'shopctl-bin-'));
  for (const p of programs) {
    writeFileSync(join(dir, p), '#!/bin/sh\n');
    chmodSync(join(dir, p), 0o755);
  }
  return dir;
}

describe('requirePrograms', () => {
  it('finds executables in the folders searched', () => {
    const dir = folderWith('nginx', 'redis-server');
    expect(requirePrograms(['nginx', 'redis-server'], [dir])).toEqual({ nginx: join(dir, 'nginx'), 'redis-server': join(dir, 'redis-server') });
  });

  it('ignores files that are not executable', () => {
    const dir = folderWith();
    writeFileSync(join(dir, 'nginx'), 'not a program');
    expect(findProgram('nginx', [dir])).toBeUndefined();
  });

  it('fails with exit 3 and the exact apt command naming each package once', () => {
    const dir = folderWith('nginx');
    let error: unknown;
    try {
      requirePrograms(['nginx', 'mariadbd', 'mariadb-install-db', 'redis-server'], [dir]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    const e = error as EnvironmentError;
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe('missing programs: mariadbd, mariadb-install-db, redis-server');
    expect(e.details[0]).toBe('install with: sudo apt-get update && sudo apt-get install -y mariadb-server redis-server');
  });
});
