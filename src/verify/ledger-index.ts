import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../errors.js';
import type { LedgerOutcome } from '../bench/ledger.js';

/** One attempt, kept small: a million of them must fit and be read in seconds. */
export interface Attempt {
  productId: number;
  quantity: number;
  outcome: LedgerOutcome;
  orderId: number | null;
  status: number | null;
}

export interface LedgerIndex {
  attempts: Map<string, Attempt>;
  acknowledged: number;
  failed: number;
  unknown: number;
  /** Keys that appear on more than one line (the bench never writes one twice). */
  repeated: string[];
}

const OUTCOMES = new Set(['acknowledged', 'failed', 'unknown']);

/** Reads `ledger.ndjson` into a map by key; a malformed line is a usage error naming it (64). */
export async function readLedger(file: string): Promise<LedgerIndex> {
  const index: LedgerIndex = { attempts: new Map(), acknowledged: 0, failed: 0, unknown: 0, repeated: [] };
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    if (line === '') continue;
    const entry = parseLine(line, `${file}:${lineNumber}`);
    if (index.attempts.has(entry.key)) index.repeated.push(entry.key);
    index.attempts.set(entry.key, entry.attempt);
    index[entry.attempt.outcome] += 1;
  }
  return index;
}

function parseLine(line: string, where: string): { key: string; attempt: Attempt } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${where}: not a JSON line`);
  }
  const { key, productId, quantity, outcome, orderId, status } = raw;
  if (typeof key !== 'string' || typeof productId !== 'number' || typeof quantity !== 'number' || typeof outcome !== 'string' || !OUTCOMES.has(outcome)) {
    throw new UsageError(`${where}: expected {key, productId, quantity, outcome, orderId, status}`);
  }
  return {
    key,
    attempt: {
      productId,
      quantity,
      outcome: outcome as LedgerOutcome,
      orderId: typeof orderId === 'number' ? orderId : null,
      status: typeof status === 'number' ? status : null,
    },
  };
}
