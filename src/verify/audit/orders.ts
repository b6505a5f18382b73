import type { Connection } from 'mysql2/promise';
import type { LedgerIndex } from '../ledger-index.js';
import { invariantResult, type InvariantResult } from './invariant.js';

export interface RunOrder {
  id: number;
  productId: number;
  quantity: number;
}

/**
 * The Idempotency-Keys `bench` makes, and the run id in each: `<run-id>-<worker>-<n>`, or
 * `<run-id>-s<step>-<worker>-<n>` for a `--find-capacity` step (bench/run-id.ts, workload.ts,
 * plans.ts); a load agent's `<start>-<name>-a<agent>-<worker>-<n>` (bench/agent.ts), its name
 * of lowercase letters, digits and dashes, so the run id is all before the last `-a<agent>`.
 */
const BENCH_KEYS = [/^(\d{8}-\d{6}-[0-9a-f]{4})(?:-s\d+)?-\d+-\d+$/, /^(\d{8}-\d{6}-[a-z0-9][a-z0-9-]*)-a\d+-\d+-\d+$/];

/**
 * The orders the run is answerable for, from the primary: every order with one of the run's
 * keys (`<run-id>-…`), and every order created since the run began, whatever its key, so an
 * order no client attempted cannot hide under another name.
 */
export async function runOrders(primary: Connection, runId: string, startedAt: string): Promise<Map<string, RunOrder>> {
  // The bench's clock and the database's are this machine's; no margin, or the last orders of
  // a run that ended just before this one began would be taken for this run's. Epoch seconds
  // with FROM_UNIXTIME keep the time zones of Node and of the server out of the comparison.
  const since = Date.parse(startedAt) / 1000;
  const [rows] = await primary.query({
    sql: 'SELECT idempotency_key, id, product_id, quantity FROM orders WHERE idempotency_key LIKE ? OR created_at >= FROM_UNIXTIME(?)',
    values: [`${runId}-%`, since],
    rowsAsArray: true,
  });
  const orders = new Map<string, RunOrder>();
  for (const row of rows as unknown as [string, number | string, number | string, number][]) {
    orders.set(row[0], { id: Number(row[1]), productId: Number(row[2]), quantity: Number(row[3]) });
  }
  return orders;
}

/** I2: every acknowledged attempt has its order on the primary, with its product, quantity and id. */
export function checkNoLostOrder(ledger: LedgerIndex, orders: Map<string, RunOrder>): InvariantResult {
  const violations: Record<string, unknown>[] = [];
  for (const [key, attempt] of ledger.attempts) {
    if (attempt.outcome !== 'acknowledged') continue;
    const order = orders.get(key);
    if (order === undefined) {
      violations.push({ key, productId: attempt.productId, quantity: attempt.quantity, orderId: attempt.orderId, found: 'no order' });
    } else if (order.productId !== attempt.productId || order.quantity !== attempt.quantity || (attempt.orderId !== null && order.id !== attempt.orderId)) {
      violations.push({ key, productId: attempt.productId, quantity: attempt.quantity, orderId: attempt.orderId, found: order });
    }
  }
  return invariantResult('I2', `${ledger.acknowledged} acknowledged attempts looked up among ${orders.size} orders of the run on the primary`, violations);
}

/**
 * I3: every order of the run was attempted by the client, no key was attempted twice, and the
 * orders of attempted keys number between the acknowledged and the acknowledged + unknown.
 */
export function checkNoPhantom(ledger: LedgerIndex, orders: Map<string, RunOrder>, runId: string): InvariantResult {
  const violations: Record<string, unknown>[] = [];
  let attemptedOrders = 0;
  let earlierRuns = 0;
  for (const [key, order] of orders) {
    const attempt = ledger.attempts.get(key);
    if (attempt !== undefined) {
      attemptedOrders += 1;
    } else if (isEarlierRunsKey(key, runId)) {
      // A purchase of an earlier bench whose client gave up (outcome unknown there) may commit
      // after that bench ended: that run's ledger answers for it, not this one's.
      earlierRuns += 1;
    } else {
      violations.push({ kind: 'phantom', key, orderId: order.id, productId: order.productId, quantity: order.quantity });
    }
  }
  for (const key of ledger.repeated) violations.push({ kind: 'double', key, detail: 'attempted more than once in the ledger' });
  const low = ledger.acknowledged;
  const high = ledger.acknowledged + ledger.unknown;
  if (attemptedOrders < low || attemptedOrders > high) {
    violations.push({ kind: 'count', orders: attemptedOrders, acknowledged: low, acknowledgedPlusUnknown: high });
  }
  const others = earlierRuns === 0 ? '' : `; ${earlierRuns} late order(s) of earlier bench runs set aside`;
  const checked = `${orders.size} orders of the run against ${ledger.attempts.size} attempts: ${attemptedOrders} orders for attempted keys, expected ${low}..${high} (acknowledged..acknowledged + unknown)${others}`;
  return invariantResult('I3', checked, violations);
}

/** I4: no order exists for a key the service definitely refused (409, 400, 404, …) or never received. */
export function checkNoSaleAfterFailure(ledger: LedgerIndex, orders: Map<string, RunOrder>): InvariantResult {
  const violations: Record<string, unknown>[] = [];
  for (const [key, attempt] of ledger.attempts) {
    if (attempt.outcome !== 'failed') continue;
    const order = orders.get(key);
    if (order !== undefined) violations.push({ key, productId: attempt.productId, status: attempt.status, orderId: order.id, quantity: order.quantity });
  }
  return invariantResult('I4', `${ledger.failed} definitely failed attempts: none may have an order`, violations);
}

function isEarlierRunsKey(key: string, runId: string): boolean {
  const run = BENCH_KEYS.map((pattern) => pattern.exec(key)?.[1]).find((id) => id !== undefined);
  return run !== undefined && run !== runId;
}
