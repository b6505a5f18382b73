import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Each node's processes live in a cgroup (v2) of their own, so that a partition can tell them
 * apart: on one machine every node shares 127.0.0.1, but nftables' `socket cgroupv2` matches the
 * cgroup of the socket a packet belongs to (docs/faults.md says why this design). Nothing here
 * limits resources; the cgroups only name the processes.
 *
 *   <cgroup2 mount>/shopctl/<topology>-<hash of its state folder>/<node>
 *
 * The hash keeps two state folders (SHOPCTL_HOME) with the same topology name apart.
 */
const NFT_CGROUP_ROOT = '/sys/fs/cgroup';

export interface CgroupPlace {
  /** The folder in the cgroup2 file system. */
  dir: string;
  /** The path as nft names it: relative to /sys/fs/cgroup (nft resolves it there). */
  nftPath: string;
  /** Its depth below the cgroup2 root, which `socket cgroupv2 level N` needs. */
  level: number;
}

/** Where cgroup v2 is mounted (`/sys/fs/cgroup` or, on a hybrid host, `/sys/fs/cgroup/unified`), if anywhere nft can name. */
export function cgroup2Mount(mountinfo = readMountinfo()): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (before === undefined || after === undefined || !after.startsWith('cgroup2 ')) continue;
    const mountPoint = before.split(' ')[4];
    if (mountPoint === NFT_CGROUP_ROOT || mountPoint?.startsWith(`${NFT_CGROUP_ROOT}/`)) return mountPoint;
  }
  return undefined;
}

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return '';
  }
}

/** The topology's own cgroup folder name: `<topology>-<8 hex of its state folder>`. */
export function topologyCgroupName(topologyRoot: string): string {
  const digest = createHash('sha256').update(topologyRoot).digest('hex').slice(0, 8);
  return `${topologyRoot.split('/').at(-1) ?? 'topology'}-${digest}`;
}

export function nodeCgroup(mount: string, topologyRoot: string, node: string): CgroupPlace {
  const dir = join(mount, 'shopctl', topologyCgroupName(topologyRoot), node);
  return { dir, nftPath: relative(NFT_CGROUP_ROOT, dir), level: 3 };
}

/**
 * The node's cgroup, made if missing, when this machine lets us (cgroup v2 mounted, writable:
 * root). Undefined otherwise: the node then runs as before and partitions refuse it.
 */
export function ensureNodeCgroup(topologyRoot: string, node: string): CgroupPlace | undefined {
  const mount = cgroup2Mount();
  if (mount === undefined) return undefined;
  const place = nodeCgroup(mount, topologyRoot, node);
  try {
    mkdirSync(place.dir, { recursive: true });
    return place;
  } catch {
    return undefined;
  }
}

/** Pids in the node's cgroup now (empty when it has none). */
export function cgroupMembers(place: CgroupPlace): number[] {
  try {
    return readFileSync(join(place.dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** How long `down` waits for a cgroup to empty: a process killed a moment ago leaves it once reaped. */
const EMPTY_WAIT_MS = 3000;
const EMPTY_POLL_MS = 50;

/**
 * Removes the topology's cgroups once their processes are gone (`down`). A process that has just
 * exited stays in its cgroup until its parent reaps it, so a busy cgroup is tried again for a
 * few seconds; one still busy then stays, and the next `down` tries again.
 */
export async function removeTopologyCgroups(topologyRoot: string): Promise<void> {
  const mount = cgroup2Mount();
  if (mount === undefined) return;
  const topologyDir = dirname(nodeCgroup(mount, topologyRoot, 'x').dir);
  const deadline = Date.now() + EMPTY_WAIT_MS;
  while (existsSync(topologyDir)) {
    for (const entry of readdirSync(topologyDir, { withFileTypes: true })) {
      if (entry.isDirectory()) tryRmdir(join(topologyDir, entry.name));
    }
    tryRmdir(topologyDir);
    if (Date.now() > deadline) return;
    if (existsSync(topologyDir)) await new Promise((r) => setTimeout(r, EMPTY_POLL_MS));
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Busy (a process is still in it) or gone.
  }
}
