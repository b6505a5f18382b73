export interface OrderAttempt {
  key: string;
  productId: number;
  quantity: number;
  status: number;
  body: { orderId?: number; error?: string };
}

let sequence = 0;

/** A fresh Idempotency-Key, unique across the test run. */
export function newKey(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

export async function order(
  base: string,
  request: { productId: number; quantity: number; userId?: string },
  options: { key?: string; strategy?: string } = {},
): Promise<OrderAttempt> {
  const key = options.key ?? newKey('t');
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': key };
  if (options.strategy) headers['x-purchase-strategy'] = options.strategy;
  try {
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userId: 'tester', ...request }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as OrderAttempt['body'];
    return { key, productId: request.productId, quantity: request.quantity, status: response.status, body };
  } catch (error) {
    // A reset or timeout: the outcome is unknown to the client.
    return { key, productId: request.productId, quantity: request.quantity, status: 0, body: { error: String(error) } };
  }
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}
