import { UsageError } from '../errors.js';
import { formatDuration } from '../scenario/duration.js';
import { faultEntrySchema, type FaultEntry, type Nemesis } from '../scenario/schema.js';
import { seededRandom } from '../seeded-random.js';
import { cutsOf, describePartition, partitionNodes, type PartitionSpec } from './partition.js';
import { FAULT_ACTIONS, type FaultAction } from './timeline.js';

/** Load left after a heal, so the recovery is seen; a fault healed later than this is refused. */
const HEAL_MARGIN_MS = 1000;

/** One fault of a run, placed in time: what the driver (faults/schedule-driver.ts) does and undoes. */
export interface PlannedFault {
  atMs: number;
  /** Undone after this long; null: at the end of the run (restart: never, it undoes itself). */
  forMs: number | null;
  action: FaultAction;
  /** kill, pause, restart: the nodes; partition: every node it is about. */
  nodes: string[];
  partition: PartitionSpec | null;
  /** In words, for the report: `redis-master`, `app1 | rest`. */
  target: string;
  /** Where it came from: `faults[2]`, `nemesis #3`, `--fault 2`. */
  source: string;
}

export interface ScheduleInput {
  /** The scenario file, named in every error. */
  file: string;
  /** The `faults` came from `--fault` flags (named so in errors), not from the file. */
  fromFlags?: boolean;
  faults: readonly FaultEntry[];
  nemesis: Nemesis | undefined;
  seed: number;
  /** The run's length, warm-up included: every fault must be undone before it ends. */
  runMs: number;
  nodes: readonly string[];
}

/**
 * The faults of a run, sorted by time: the scenario's `faults:` (or the `--fault` flags that
 * replace them) and its seeded `nemesis:`. Refused (64, naming the key) when a node is unknown, a
 * partition cuts a node from itself, a fault does not fit the run, or two faults on one node overlap.
 */
export function planFaults(input: ScheduleInput): PlannedFault[] {
  const planned = [
    ...input.faults.map((entry, i) => fromEntry(entry, input.fromFlags === true ? `--fault ${i + 1}` : `faults[${i}]`, input)),
    ...(input.nemesis === undefined ? [] : nemesisFaults(input.nemesis, input)),
  ].sort((a, b) => a.atMs - b.atMs);
  refuseOverlaps(planned, input.fromFlags === true && input.nemesis === undefined ? null : input.file);
  return planned;
}

function fromEntry(entry: FaultEntry, source: string, input: ScheduleInput): PlannedFault {
  const where = input.fromFlags === true ? source : `${input.file}: ${source}`;
  const partition = partitionOf(entry);
  const nodes = partition === null ? (entry.nodes ?? []) : partitionNodes(partition);
  nodes.forEach((node, i) => {
    if (!input.nodes.includes(node)) throw new UsageError(`${where}.${partition === null ? `nodes[${i}]` : 'isolate/between'}: unknown node "${node}"`, [`nodes: ${input.nodes.join(', ')}`]);
  });
  if (partition !== null) {
    try {
      cutsOf(partition, input.nodes);
    } catch (error) {
      throw new UsageError(`${where}: ${(error as Error).message}`);
    }
  }
  if (entry.at >= input.runMs) throw new UsageError(`${where}.at: ${formatDuration(entry.at)} is not inside the run (${formatDuration(input.runMs)}, warm-up included)`);
  if (entry.for !== undefined && entry.at + entry.for > input.runMs - HEAL_MARGIN_MS) {
    const past = entry.at + entry.for > input.runMs;
    throw new UsageError(`${where}.for: ${formatDuration(entry.at)} + ${formatDuration(entry.for)} ${past ? 'ends after the run' : 'leaves less than 1s of load after the heal'} (${formatDuration(input.runMs)}, warm-up included)`, [
      'shorten for, start it earlier, or lengthen the run: recovery is measured on the load after the heal',
    ]);
  }
  return { atMs: entry.at, forMs: entry.for ?? null, action: entry.action, nodes, partition, target: partition === null ? nodes.join(',') : describePartition(partition), source };
}

function partitionOf(entry: FaultEntry): PartitionSpec | null {
  if (entry.action !== 'partition') return null;
  if (entry.isolate !== undefined) return { isolate: entry.isolate };
  const [between, and] = entry.between ?? [[], []];
  return { between, and, oneWay: entry.oneWay };
}

/**
 * Jepsen's random nemesis, reproducible: from the scenario's seed, every `every` (from `start`)
 * one action on one target, each undone after `for`, for as long as a whole fault fits the run.
 * A partition isolates its target.
 */
export function nemesisFaults(nemesis: Nemesis, input: ScheduleInput): PlannedFault[] {
  const where = `${input.file}: nemesis`;
  nemesis.targets.forEach((node, i) => {
    if (!input.nodes.includes(node)) throw new UsageError(`${where}.targets[${i}]: unknown node "${node}"`, [`nodes: ${input.nodes.join(', ')}`]);
  });
  if (nemesis.every <= nemesis.for) throw new UsageError(`${where}.every: ${formatDuration(nemesis.every)} must be longer than for (${formatDuration(nemesis.for)}), so each fault is undone before the next`);
  const random = seededRandom(input.seed ^ 0x6e656d65);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const faults: PlannedFault[] = [];
  for (let at = nemesis.start ?? nemesis.every; at + nemesis.for + HEAL_MARGIN_MS <= input.runMs; at += nemesis.every) {
    const action = pick(nemesis.actions);
    const target = pick(nemesis.targets);
    const source = `nemesis #${faults.length + 1}`;
    const partition: PartitionSpec | null = action === 'partition' ? { isolate: target } : null;
    faults.push({ atMs: at, forMs: action === 'restart' ? null : nemesis.for, action, nodes: [target], partition, target: partition === null ? target : describePartition(partition), source });
  }
  if (faults.length === 0) throw new UsageError(`${where}: no fault fits the run (${formatDuration(input.runMs)}, warm-up included): the first would start at ${formatDuration(nemesis.start ?? nemesis.every)} and last ${formatDuration(nemesis.for)}`);
  return faults;
}

/** Two faults on one node at once would undo each other's work: refused, both named. */
function refuseOverlaps(planned: readonly PlannedFault[], file: string | null): void {
  const end = (f: PlannedFault) => (f.forMs === null ? (f.action === 'restart' ? f.atMs + 1 : Number.POSITIVE_INFINITY) : f.atMs + f.forMs);
  for (let i = 0; i < planned.length; i++) {
    for (let j = i + 1; j < planned.length; j++) {
      const [a, b] = [planned[i] as PlannedFault, planned[j] as PlannedFault];
      const shared = a.nodes.filter((n) => b.nodes.includes(n));
      if (shared.length > 0 && b.atMs < end(a) && a.atMs < end(b)) {
        throw new UsageError(`${file === null ? '' : `${file}: `}${b.source} (${b.action} ${b.target} at ${formatDuration(b.atMs)}) overlaps ${a.source} (${a.action} ${a.target} at ${formatDuration(a.atMs)}) on node ${shared.join(', ')}`, [
          'give each node one fault at a time (a fault without for lasts until the run ends)',
        ]);
      }
    }
  }
}

/**
 * `--fault 'at=20s [for=5s] ACTION TARGET'`: ACTION kill, pause or restart with TARGET
 * `NODE[,NODE…]`; partition with `isolate=NODE` or `between=A,B/C,D`, and `one-way`.
 */
export function parseFaultFlag(text: string, index: number): FaultEntry {
  const where = `--fault ${index + 1} "${text}"`;
  const fields: Record<string, string> = {};
  const words: string[] = [];
  for (const token of text.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields[token.slice(0, eq)] = token.slice(eq + 1);
    else words.push(token);
  }
  const [action, ...rest] = words;
  if (fields.at === undefined) throw new UsageError(`${where}: when is missing: at=DURATION (from the load's start)`, [FAULT_FLAG_HELP]);
  if (action === undefined || !(FAULT_ACTIONS as readonly string[]).includes(action)) {
    throw new UsageError(`${where}: ${action === undefined ? 'no action' : `unknown action "${action}"`}; the actions are ${FAULT_ACTIONS.join(', ')}`, [FAULT_FLAG_HELP]);
  }
  const raw: Record<string, unknown> = { at: fields.at, action, ...(fields.for === undefined ? {} : { for: fields.for }) };
  if (action === 'partition') {
    if (fields.isolate !== undefined) raw.isolate = fields.isolate;
    if (fields.between !== undefined) raw.between = fields.between.split('/').map((side) => side.split(',').filter(Boolean));
    if (rest.includes('one-way')) raw.oneWay = true;
    const unknownWords = rest.filter((w) => w !== 'one-way');
    if (unknownWords.length > 0) throw new UsageError(`${where}: unexpected "${unknownWords.join(' ')}"`, [FAULT_FLAG_HELP]);
  } else {
    if (rest.length !== 1) throw new UsageError(`${where}: expected one target NODE[,NODE…] after ${action ?? 'the action'}`, [FAULT_FLAG_HELP]);
    raw.nodes = (rest[0] ?? '').split(',').filter(Boolean);
  }
  const unknownFields = Object.keys(fields).filter((k) => !['at', 'for', 'isolate', 'between'].includes(k));
  if (unknownFields.length > 0) throw new UsageError(`${where}: unknown field ${unknownFields.join(', ')}`, [FAULT_FLAG_HELP]);
  const parsed = faultEntrySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(`${where}: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`, [FAULT_FLAG_HELP]);
}

export const FAULT_FLAG_HELP = "expected e.g. 'at=20s kill redis-master', 'at=5s for=8s pause mysql-primary', 'at=10s for=5s partition isolate=app1', 'at=10s for=5s partition between=app1,app2/mysql-primary one-way'";
