import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { mkdirSync, statSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';

/**
 * Where a topology's state lives: `.shopctl/<topology>/` in the working directory, or under
 * `SHOPCTL_HOME`. Per node: its config, data, log and process record.
 */
export function shopctlHome(): string {
  return resolve(process.env.SHOPCTL_HOME ?? '.shopctl');
}

export interface NodePaths {
  name: string;
  dir: string;
  dataDir: string;
  logFile: string;
  /** The process runtime's record of what it started: pid and start time. */
  processFile: string;
  /** Likewise for a one-off task (mariadb-install-db) while it runs. */
  taskFile: string;
  /** A unix socket path that fits the 107-byte limit whatever the working directory. */
  socket: string;
}

export interface TopologyPaths {
  root: string;
  stateFile: string;
  secretsFile: string;
  lockFile: string;
  node(name: string): NodePaths;
}

export function topologyPaths(topology: string, home = shopctlHome()): TopologyPaths {
  const root = join(home, topology);
  return {
    root,
    stateFile: join(root, 'state.json'),
    secretsFile: join(root, 'secrets.json'),
    lockFile: join(root, 'lock'),
    node: (name) => nodePaths(root, name),
  };
}

function nodePaths(root: string, name: string): NodePaths {
  const dir = join(root, name);
  return {
    name,
    dir,
    dataDir: join(dir, 'data'),
    logFile: join(dir, `${name}.log`),
    processFile: join(dir, 'process.json'),
    taskFile: join(dir, 'task.json'),
    socket: socketPath(dir, name),
  };
}

const MAX_SOCKET_PATH = 100;

/**
 * Inside the node folder when it fits the kernel's limit; otherwise in a folder of this user's
 * under the temp dir (created 0700 by `ensurePrivateDir` before use), named by the node folder.
 */
function socketPath(dir: string, name: string): string {
  const inside = join(dir, `${name}.sock`);
  if (inside.length <= MAX_SOCKET_PATH) return inside;
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return join(tmpdir(), `shopctl-${process.getuid?.() ?? 'user'}`, `${digest}.sock`);
}

/** Creates `dir` readable by this user only, and refuses one another user made first. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owner = statSync(dir).uid;
  if (process.getuid !== undefined && owner !== process.getuid()) {
    throw new EnvironmentError(`${dir} belongs to another user (uid ${owner}); remove it or set TMPDIR`);
  }
}
