import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../errors.js';

/** Server programs the process runtime needs, with the Debian package that ships each. */
export const PROGRAMS = {
  nginx: 'nginx',
  'redis-server': 'redis-server',
  'redis-cli': 'redis-tools',
  mariadbd: 'mariadb-server',
  'mariadb-install-db': 'mariadb-server',
  mariadb: 'mariadb-client',
} as const;

export type Program = keyof typeof PROGRAMS;

// Debian installs servers in sbin, which a non-root PATH often lacks.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

export function searchDirs(): string[] {
  return [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter(Boolean);
}

export function findProgram(program: Program, dirs: readonly string[] = searchDirs()): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/** Resolves every program or fails with exit 3 and the exact install command. */
export function requirePrograms(programs: readonly Program[], dirs: readonly string[] = searchDirs()): Record<Program, string> {
  const found = {} as Record<Program, string>;
  const missing: Program[] = [];
  for (const program of programs) {
    const path = findProgram(program, dirs);
    if (path === undefined) missing.push(program);
    else found[program] = path;
  }
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => PROGRAMS[p]))].join(' ');
    throw new EnvironmentError(`missing program${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, [
      `install with: sudo apt-get update && sudo apt-get install -y ${packages}`,
      'or run: npm run setup (installs them when run as root)',
    ]);
  }
  return found;
}
