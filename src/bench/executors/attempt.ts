import { classifyAnswer, classifyFailure, type Verdict } from '../classify.js';
import type { HttpConnection } from '../http1/connection.js';
import { send, type Answer } from '../http-client.js';
import type { LedgerEntry } from '../ledger.js';
import type { Recorder } from '../recorder.js';
import type { Connections } from './connections.js';
import type { BenchRequest } from '../workload.js';

/** Absolute milliseconds, comparable across worker threads (each has its own performance.now origin). */
export const now = (): number => performance.timeOrigin + performance.now();

/** An epoch time (an agreed start, from another machine) on the clock of `now`: the two may differ by a few ms. */
export const epochOnLoadClock = (epochMs: number): number => epochMs + (now() - Date.now());

/**
 * Sends one request, classes its answer and records it (the ledger line for a purchase
 * included), then calls `next`. Every request sent is recorded exactly once, also when it ends
 * in an error or is aborted at the end of the run.
 */
export function attempt(connection: HttpConnection, connections: Connections, request: BenchRequest, intendedAt: number, recorder: Recorder, next: () => void): void {
  recorder.sent(intendedAt);
  send(connection, connections.host, request, connections.options, (error, answer) => {
    const finishedAt = now();
    const verdict = error !== null || answer === null ? classifyFailure(request, error ?? new Error('no answer')) : answerVerdict(request, answer);
    recorder.complete(intendedAt, finishedAt, verdict, ledgerEntry(request, answer), answer?.serverTiming);
    next();
  });
}

function answerVerdict(request: BenchRequest, answer: Answer): Verdict {
  const soldOut = answer.status === 409 && answer.body.includes('"sold_out"');
  return classifyAnswer(request, answer, soldOut);
}

function ledgerEntry(request: BenchRequest, answer: Answer | null): Omit<LedgerEntry, 'outcome'> | null {
  if (request.kind !== 'purchase') return null;
  return { key: request.key, productId: request.productId, quantity: request.quantity, orderId: orderIdOf(answer), status: answer?.status ?? null };
}

function orderIdOf(answer: Answer | null): number | null {
  if (answer === null || answer.status !== 201) return null;
  try {
    const orderId: unknown = (JSON.parse(answer.body) as { orderId?: unknown }).orderId;
    return typeof orderId === 'number' ? orderId : null;
  } catch {
    return null;
  }
}
