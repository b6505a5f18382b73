import type { LedgerOutcome } from './ledger.js';
import type { ErrorKind, RequestClass } from './measurement.js';
import type { BenchRequest } from './workload.js';

/** How one answer (or failure) counts: its class, the error kind, and for purchases the ledger outcome. */
export interface Verdict {
  cls: RequestClass;
  error: ErrorKind | null;
  outcome: LedgerOutcome | null;
}

/**
 * 4xx answers that prove a purchase was refused before anything was sold (DESIGN.md §5, I4).
 * Any other status leaves the outcome unknown: a 5xx (503 busy, outcome unknown) may have
 * committed, and an unexpected 4xx from a proxy proves nothing about the database.
 */
const DEFINITE_REFUSALS = new Set([400, 404, 409, 413, 415, 422]);

export function classifyAnswer(request: BenchRequest, status: number, xCache: string | undefined, soldOut: boolean): Verdict {
  if (request.kind === 'purchase') {
    if (status === 201) return { cls: 'purchase_ok', error: null, outcome: 'acknowledged' };
    const outcome: LedgerOutcome = DEFINITE_REFUSALS.has(status) ? 'failed' : 'unknown';
    if (status === 409 && soldOut) return { cls: 'purchase_sold_out', error: null, outcome };
    return { cls: 'error', error: httpErrorKind(status), outcome };
  }
  if (status === 200) {
    if (request.kind === 'healthz') return { cls: 'healthz', error: null, outcome: null };
    return { cls: xCache === 'HIT' ? 'view_hit' : 'view_miss', error: null, outcome: null };
  }
  return { cls: 'error', error: httpErrorKind(status), outcome: null };
}

function httpErrorKind(status: number): ErrorKind {
  return status >= 500 ? 'http_5xx' : 'http_4xx';
}

// Codes from node:net and from http1/connection.ts; anything else (ECONNRESET, EPIPE, a closed
// connection, a malformed answer) is a reset.
const CONNECT_CODES = new Set(['ECONNREFUSED', 'SHOPCTL_CONNECT_TIMEOUT', 'SHOPCTL_CONNECT_FAILED', 'EADDRNOTAVAIL', 'EMFILE', 'ENFILE', 'ENETUNREACH', 'EHOSTUNREACH']);
const TIMEOUT_CODES = new Set(['SHOPCTL_TIMEOUT']);
const ABORT_CODES = new Set(['SHOPCTL_ABORTED']);

/**
 * A request that got no answer. A connect error means the request never left this machine, so
 * the purchase definitely failed; after a timeout, reset or abort the server may have sold.
 */
export function classifyFailure(request: BenchRequest, error: Error): Verdict {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const kind: ErrorKind = CONNECT_CODES.has(code) ? 'connect' : TIMEOUT_CODES.has(code) ? 'timeout' : ABORT_CODES.has(code) ? 'aborted' : 'reset';
  const outcome: LedgerOutcome | null = request.kind !== 'purchase' ? null : kind === 'connect' ? 'failed' : 'unknown';
  return { cls: 'error', error: kind, outcome };
}
