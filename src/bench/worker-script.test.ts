import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { staleBuild } from './worker-script.js';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

/** A package folder with src/bench/engine.ts and src/bench/engine.test.ts, and dist/bench/worker.js when `builtAt` is given (s). */
function packageFolder(sourcesAt: number, testAt: number, builtAt?: number): { built: string; src: string } {
  root = mkdtempSync(join(tmpdir(), 'shopctl-worker-script-'));
  const src = join(root, 'src');
  const built = join(root, 'dist', 'bench', 'worker.js');
  mkdirSync(join(src, 'bench'), { recursive: true });
  const write = (file: string, at: number) => {
    writeFileSync(file, '');
    utimesSync(file, at, at);
  };
  write(join(src, 'seeded-random.ts'), sourcesAt);
  write(join(src, 'bench', 'engine.test.ts'), testAt);
  if (builtAt !== undefined) {
    mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
    write(built, builtAt);
  }
  return { built, src };
}

describe('built worker against the sources', () => {
  it('accepts a build newer than every source; a newer test file does not count', () => {
    const { built, src } = packageFolder(1000, 3000, 2000);
    expect(staleBuild(built, src)).toBeNull();
  });

  it('refuses a build older than any source, naming it', () => {
    const { built, src } = packageFolder(3000, 1000, 2000);
    expect(staleBuild(built, src)).toMatch(/is older than src\/seeded-random\.ts/);
  });

  it('refuses a missing build', () => {
    const { built, src } = packageFolder(1000, 1000);
    expect(staleBuild(built, src)).toMatch(/worker\.js is missing/);
  });
});
