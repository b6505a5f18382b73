import type { LedgerOutcome } from './ledger.js';
import type { ErrorKind, ErrorReason, RequestClass } from './measurement.js';
import type { BenchRequest } from './workload.js';

/**
 * How one answer (or failure) counts: its class, the error kind (report's `errors`), its origin
 * and reason (`errorsByOrigin`), and for purchases the ledger outcome.
 */
export interface Verdict {
  cls: RequestClass;
  error: ErrorKind | null;
  reason: ErrorReason | null;
  outcome: LedgerOutcome | null;
}

/** What the classifier reads of an answer: the status and two headers, never the body (but for 409). */
export interface AnswerHead {
  status: number;
  xCache: string | undefined;
  /** The error code the service and nginx's error pages send in `X-Error`. */
  xError: string | undefined;
}

/**
 * 4xx answers that prove a purchase was refused before anything was sold (DESIGN.md §5, I4).
 * An unexpected 4xx from a proxy proves nothing about the database.
 */
const DEFINITE_REFUSALS = new Set([400, 404, 409, 413, 415, 422]);

/**
 * 5xx codes that prove nothing was sold, so the purchase definitely failed (Jepsen's `fail`):
 * the app's `overloaded` (refused at admission, before any statement, service/admission.ts) and
 * `busy` (a lock, group or pool wait ran out before any statement, or InnoDB gave up on a row
 * lock and the transaction was rolled back; the key's own earlier order is never answered busy,
 * service/orders/purchases.ts); nginx's `upstream_connect_failed`, `upstream_connect_timeout`
 * and `no_live_upstream`, where its last try never reached an app (a POST is re-sent to another
 * app only when it was never sent, nginx-config.ts). Every other 5xx (unavailable, a read
 * timeout, a connection the app broke) may have committed. The bench sends each key once, so
 * what is definite for the attempt is definite for the key (I4).
 */
const DEFINITE_5XX = new Set(['overloaded', 'busy', 'upstream_connect_failed', 'upstream_connect_timeout', 'no_live_upstream']);

/** nginx's own 5xx codes (provision/nodes/nginx-config.ts `NGINX_ERRORS` and its 502 map; its test checks they agree). */
export const NGINX_5XX_REASONS: Readonly<Record<string, ErrorReason>> = {
  upstream_connect_failed: 'nginx.upstream_connect_failed',
  upstream_connect_timeout: 'nginx.upstream_connect_failed',
  upstream_timeout: 'nginx.upstream_timeout',
  no_live_upstream: 'nginx.no_live_upstream',
  upstream_failed: 'nginx.other',
  lb_internal: 'nginx.other',
  lb_unavailable: 'nginx.other',
};

const APP_5XX_REASONS: Readonly<Record<string, ErrorReason>> = {
  busy: 'app.busy',
  overloaded: 'app.overloaded',
  unavailable: 'app.unavailable',
};

export function classifyAnswer(request: BenchRequest, head: AnswerHead, soldOut: boolean): Verdict {
  const { status } = head;
  if (request.kind === 'purchase') {
    if (status === 201) return { cls: 'purchase_ok', error: null, reason: null, outcome: 'acknowledged' };
    const definite = status >= 500 ? DEFINITE_5XX.has(head.xError ?? '') : DEFINITE_REFUSALS.has(status);
    const outcome: LedgerOutcome = definite ? 'failed' : 'unknown';
    if (status === 409 && soldOut) return { cls: 'purchase_sold_out', error: null, reason: null, outcome };
    return { cls: 'error', ...httpError(head), outcome };
  }
  if (status === 200) {
    if (request.kind === 'healthz') return { cls: 'healthz', error: null, reason: null, outcome: null };
    return { cls: head.xCache === 'HIT' ? 'view_hit' : 'view_miss', error: null, reason: null, outcome: null };
  }
  return { cls: 'error', ...httpError(head), outcome: null };
}

function httpError(head: AnswerHead): { error: ErrorKind; reason: ErrorReason } {
  if (head.status < 500) return { error: 'http_4xx', reason: 'http_4xx' };
  const code = head.xError ?? '';
  // An unlabelled 5xx came through nginx from an app: nginx labels every error page it renders.
  return { error: 'http_5xx', reason: NGINX_5XX_REASONS[code] ?? APP_5XX_REASONS[code] ?? 'app.other' };
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
  const kind = CONNECT_CODES.has(code) ? 'connect' : TIMEOUT_CODES.has(code) ? 'timeout' : ABORT_CODES.has(code) ? 'aborted' : 'reset';
  const outcome: LedgerOutcome | null = request.kind !== 'purchase' ? null : kind === 'connect' ? 'failed' : 'unknown';
  return { cls: 'error', error: kind, reason: `client.${kind}`, outcome };
}
