import { LOOPBACK } from '../addressing.js';
import { dirname, join } from 'node:path';
import { ensureNodeCgroup } from './cgroups.js';
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { EnvironmentError } from '../../errors.js';
import { temporaryOf, writeFileAtomic } from '../atomic-write.js';
import { requirePrograms, type Program } from '../binaries.js';
import type { NodePaths } from '../home.js';
import { isLive, processGroupMembers, readProcStat, sessionLeadersIn } from './proc.js';
import type { LaunchSpec, NodeRef, Runtime, StartedNode, TaskOptions, TaskResult } from './runtime.js';

const processRecordSchema = z.object({
  pid: z.number().int().positive(),
  startTicks: z.number().int().nonnegative(),
  command: z.string(),
  args: z.array(z.string()),
  startedAt: z.string(),
});
type ProcessRecord = z.output<typeof processRecordSchema>;

const STOP_GRACE_MS = 30_000;
const KILL_GRACE_MS = 5_000;
const POLL_MS = 50;

/**
 * Runs each node as a local server process in its own session and process group, logging to the
 * node's log file. The pid and start time are written the moment the process exists, so `down`
 * finds it even when this CLI is killed right after; the process group lets `down` also stop
 * workers a killed master left behind (nginx), and nothing else.
 */
export class ProcessRuntime implements Runtime {
  readonly driver = 'local';
  readonly addressing = LOOPBACK;

  programs(names: readonly Program[]): Record<Program, string> {
    return requirePrograms(names);
  }

  /**
   * Only the node's folder matters to a process: its kind and server change nothing here. The
   * server starts inside the node's cgroup (faults/cgroups.ts) when the machine has one for it:
   * a shell joins it and then becomes the server, so every socket and fork is the node's.
   */
  async start({ paths: node }: NodeRef, spec: LaunchSpec): Promise<StartedNode> {
    mkdirSync(node.dir, { recursive: true });
    const log = openSync(node.logFile, 'a');
    try {
      const launch = inNodeCgroup(node, spec);
      const child = spawn(launch.command, launch.args, {
        cwd: node.dir,
        detached: true,
        stdio: ['ignore', log, log],
        env: { ...process.env, ...spec.env },
      });
      const exited = new Promise<number | null>((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.once('error', () => resolve(null));
      });
      if (child.pid === undefined) {
        throw new EnvironmentError(`could not start ${spec.command} for node ${node.name}`, [`see ${node.logFile}`]);
      }
      writeRecord(node.processFile, recordOf(child.pid, spec));
      child.unref();
      return { pid: child.pid, exited };
    } finally {
      closeSync(log);
    }
  }

  async runTask({ paths: node }: NodeRef, spec: LaunchSpec, options: TaskOptions): Promise<TaskResult> {
    options.signal?.throwIfAborted();
    mkdirSync(node.dir, { recursive: true });
    const child = spawn(spec.command, spec.args, { cwd: node.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env } });
    if (child.pid === undefined) throw new EnvironmentError(`could not run ${spec.command} for node ${node.name}`);
    const pid = child.pid;
    writeRecord(node.taskFile, recordOf(pid, spec));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const kill = () => signal(processGroupMembers(pid), 'SIGKILL');
    const timer = setTimeout(kill, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    try {
      const code = await new Promise<number | null>((resolve) => {
        child.once('close', (c) => resolve(c));
        child.once('error', () => resolve(null));
      });
      appendFileSync(node.logFile, `--- ${spec.command} exited ${String(code)} ---\n${output}`);
      options.signal?.throwIfAborted();
      return { code, output };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      rmSync(node.taskFile, { force: true });
    }
  }

  async isRunning({ paths }: NodeRef): Promise<boolean> {
    const record = readRecord(paths.processFile);
    return record !== undefined && isOurLeader(record);
  }

  async pidOf({ paths }: NodeRef): Promise<number | undefined> {
    const record = readRecord(paths.processFile);
    return record !== undefined && isOurLeader(record) ? record.pid : undefined;
  }

  /** The server's process group: what it forked stays in it (each server leads its own). */
  async processesOf(node: NodeRef): Promise<number[]> {
    const pid = await this.pidOf(node);
    if (pid === undefined) return [];
    return [pid, ...processGroupMembers(pid).filter((p) => p !== pid).sort((a, b) => a - b)];
  }

  async stop({ paths }: NodeRef): Promise<void> {
    await Promise.all([stopRecorded(paths.taskFile), stopRecorded(paths.processFile), ...leftovers(paths).map((record) => stopProcesses(record))]);
  }

  /** The record stays: the node is down, not gone, and `up` or `fault restart` starts it again. */
  async kill({ paths }: NodeRef): Promise<void> {
    const record = readRecord(paths.processFile);
    if (record === undefined) return;
    signal(ownedProcesses(record), 'SIGKILL');
    if (!(await waitUntilGone(record, KILL_GRACE_MS))) throw new EnvironmentError(`processes ${ownedProcesses(record).join(', ')} of node ${paths.name} survived SIGKILL`);
  }

  async pause(node: NodeRef): Promise<void> {
    signal(await this.processesOf(node), 'SIGSTOP');
  }

  async resume(node: NodeRef): Promise<void> {
    signal(await this.processesOf(node), 'SIGCONT');
  }

  async isPaused(node: NodeRef): Promise<boolean> {
    const pid = await this.pidOf(node);
    return pid !== undefined && readProcStat(pid)?.state === 'T';
  }
}

/** The launch wrapped so that the server starts in the node's cgroup; as asked when there is none. */
function inNodeCgroup(node: NodePaths, spec: LaunchSpec): LaunchSpec {
  const place = ensureNodeCgroup(dirname(node.dir), node.name);
  if (place === undefined) return spec;
  // $0 is the cgroup's procs file; the shell's pid ($$) becomes the server's by exec. A write the
  // kernel refuses (a delegated cgroup tree) leaves the server where it was: it still starts, and
  // a partition refuses it (faults/injector.ts checks the membership).
  return { command: '/bin/sh', args: ['-c', '{ echo $$ > "$0"; } 2>/dev/null; exec "$@"', join(place.dir, 'cgroup.procs'), spec.command, ...spec.args] };
}

/**
 * The servers shopctl runs, by the name /proc/PID/exe shows (links resolved: Debian's
 * redis-server is a link to redis-check-rdb); a session leader of these in a node folder is ours.
 */
const SERVER_PROGRAMS = ['nginx', 'redis-server', 'redis-check-rdb', 'mariadbd', 'mysqld', 'node'];

/**
 * Servers started whose record was never written (the CLI was killed between the two, or
 * between writing and renaming the record): found by session and working directory.
 */
function leftovers(node: NodePaths): ProcessRecord[] {
  return sessionLeadersIn(node.dir, SERVER_PROGRAMS).flatMap((pid) => {
    const stat = readProcStat(pid);
    return stat === undefined ? [] : [{ pid, startTicks: stat.startTicks, command: '(unrecorded)', args: [], startedAt: '' }];
  });
}

/** SIGTERM, then SIGKILL; the record goes only when nothing of it is left, so `down` can retry. */
async function stopRecorded(file: string): Promise<void> {
  // A record killed between its write and its rename is whole in the temporary file.
  const record = readRecord(file) ?? readRecord(temporaryOf(file));
  if (record === undefined) return;
  await stopProcesses(record, file);
  rmSync(file, { force: true });
  rmSync(temporaryOf(file), { force: true });
}

async function stopProcesses(record: ProcessRecord, file?: string): Promise<void> {
  signal(ownedProcesses(record), 'SIGTERM');
  // A paused node (`fault pause`) handles its SIGTERM only once thawed.
  signal(ownedProcesses(record), 'SIGCONT');
  if (!(await waitUntilGone(record, STOP_GRACE_MS))) {
    signal(ownedProcesses(record), 'SIGKILL');
    if (!(await waitUntilGone(record, KILL_GRACE_MS))) {
      throw new EnvironmentError(`processes ${ownedProcesses(record).join(', ')} of ${record.command} survived SIGKILL`, file ? [`their record stays in ${file}; run shopctl down again`] : []);
    }
  }
}

/** Written the moment the process exists, before anything else can go wrong. */
function recordOf(pid: number, spec: LaunchSpec): ProcessRecord {
  return { pid, startTicks: readProcStat(pid)?.startTicks ?? 0, command: spec.command, args: spec.args, startedAt: new Date().toISOString() };
}

function writeRecord(file: string, record: ProcessRecord): void {
  writeFileAtomic(file, `${JSON.stringify(record)}\n`);
}

function readRecord(file: string): ProcessRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return processRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

function isOurLeader(record: ProcessRecord): boolean {
  const stat = readProcStat(record.pid);
  return isLive(stat) && stat.startTicks === record.startTicks;
}

/**
 * Our processes: the leader's group while the leader is ours; if the leader is gone, whatever
 * is left in its group (the kernel does not reuse a pid while a group of that id exists). A
 * live leader with another start time is a stranger that reused the pid: nothing of ours is left.
 */
function ownedProcesses(record: ProcessRecord): number[] {
  const stat = readProcStat(record.pid);
  if (isLive(stat) && stat.startTicks !== record.startTicks) return [];
  return processGroupMembers(record.pid);
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone between the scan and the signal.
    }
  }
}

async function waitUntilGone(record: ProcessRecord, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (ownedProcesses(record).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}
