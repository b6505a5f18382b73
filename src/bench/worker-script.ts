import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';

/**
 * The script of a load worker thread. Built (dist/), the compiled worker beside this file.
 * From the TypeScript sources (vitest), Node 20 cannot load a .ts worker, so the build's copy
 * runs: if any source is newer than that copy, a change would silently not run, so it is
 * refused instead of measured.
 */
export function workerScript(): string {
  const sibling = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  const built = join(PACKAGE_ROOT, 'dist', 'bench', 'worker.js');
  const stale = staleBuild(built, join(PACKAGE_ROOT, 'src'));
  if (stale !== null) throw new EnvironmentError(stale, ['build it first: npm run build (the e2e and docker tests build on their own)']);
  return built;
}

/**
 * Why the built worker cannot stand for the sources, or null when it can: missing, or older than
 * a source file (tests excluded). Every source counts, not only src/bench: the worker imports
 * beyond it, and a build is cheap next to a measurement of the wrong code.
 */
export function staleBuild(built: string, sourcesDir: string): string | null {
  if (!existsSync(built)) return `${built} is missing: a load worker runs the build's JavaScript, also from the TypeScript sources`;
  const builtAt = statSync(built).mtimeMs;
  const newer = sourceFiles(sourcesDir).find((file) => statSync(file).mtimeMs > builtAt);
  if (newer === undefined) return null;
  return `${built} is older than ${relative(join(sourcesDir, '..'), newer)}: the load worker would run code the sources no longer say`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}
