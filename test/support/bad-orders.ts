/** A `POST /orders` the service refuses, and how it answers: `headers` add to or ('' removes) the usual ones. */
export interface BadOrder {
  what: string;
  body: string;
  headers?: Record<string, string>;
  status: number;
  error: string;
}

/**
 * Orders the service refuses by itself, before any purchase, around a valid one for `productId`
 * (so that one let through would buy). Unit tests send them all (routes.test.ts); the e2e suite
 * sends some through nginx.
 */
export function badOrders(productId: number): BadOrder[] {
  const json = (value: unknown) => JSON.stringify(value);
  const valid = { productId, quantity: 1, userId: 'u1' };
  return [
    { what: 'malformed JSON', body: '{"productId": 1,', status: 400, error: 'malformed_json' },
    { what: 'a JSON array', body: '[1,2]', status: 400, error: 'invalid_request' },
    { what: 'JSON null', body: 'null', status: 400, error: 'invalid_request' },
    { what: 'wrong content type', body: json(valid), headers: { 'content-type': 'text/plain' }, status: 415, error: 'unsupported_media_type' },
    { what: 'form content type', body: 'productId=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
    { what: 'missing productId', body: json({ quantity: 1, userId: 'u' }), status: 400, error: 'invalid_request' },
    { what: 'missing quantity', body: json({ productId, userId: 'u' }), status: 400, error: 'invalid_request' },
    { what: 'missing userId', body: json({ productId, quantity: 1 }), status: 400, error: 'invalid_request' },
    { what: 'an extra field', body: json({ ...valid, price: 0 }), status: 400, error: 'invalid_request' },
    { what: 'quantity 0', body: json({ ...valid, quantity: 0 }), status: 400, error: 'invalid_request' },
    { what: 'negative quantity', body: json({ ...valid, quantity: -5 }), status: 400, error: 'invalid_request' },
    { what: 'fractional quantity', body: json({ ...valid, quantity: 1.5 }), status: 400, error: 'invalid_request' },
    { what: 'quantity as a string', body: json({ ...valid, quantity: '1' }), status: 400, error: 'invalid_request' },
    { what: 'absurdly large quantity', body: json({ ...valid, quantity: 1e300 }), status: 400, error: 'invalid_request' },
    { what: 'quantity over the per-order limit', body: json({ ...valid, quantity: 101 }), status: 400, error: 'invalid_request' },
    { what: 'productId 0', body: json({ ...valid, productId: 0 }), status: 400, error: 'invalid_request' },
    { what: 'negative productId', body: json({ ...valid, productId: -1 }), status: 400, error: 'invalid_request' },
    { what: 'productId as a string', body: json({ ...valid, productId: String(productId) }), status: 400, error: 'invalid_request' },
    { what: 'SQL in productId', body: json({ ...valid, productId: '1; DROP TABLE orders' }), status: 400, error: 'invalid_request' },
    { what: 'unsafe-integer productId', body: '{"productId": 9007199254740993, "quantity": 1, "userId": "u"}', status: 400, error: 'invalid_request' },
    { what: 'SQL in userId', body: json({ ...valid, userId: "x'); DELETE FROM orders; --" }), status: 400, error: 'invalid_request' },
    { what: 'no Idempotency-Key', body: json(valid), headers: { 'idempotency-key': '' }, status: 400, error: 'invalid_idempotency_key' },
    { what: 'an oversized Idempotency-Key', body: json(valid), headers: { 'idempotency-key': 'k'.repeat(129) }, status: 400, error: 'invalid_idempotency_key' },
    { what: 'an Idempotency-Key with spaces', body: json(valid), headers: { 'idempotency-key': 'a key' }, status: 400, error: 'invalid_idempotency_key' },
    { what: 'an unknown strategy', body: json(valid), headers: { 'x-purchase-strategy': 'yolo' }, status: 400, error: 'invalid_request' },
  ];
}
