import { z } from 'zod';
import { ServiceError } from '../errors.js';

/** The most units one order may take; more is a client bug, not a big sale. */
export const MAX_QUANTITY = 100;

const body = z.strictObject({
  productId: z.number({ error: 'productId: expected a positive integer' }).int('productId: expected a positive integer').min(1, 'productId: expected a positive integer').max(Number.MAX_SAFE_INTEGER, 'productId: too large'),
  quantity: z
    .number({ error: `quantity: expected an integer from 1 to ${MAX_QUANTITY}` })
    .int(`quantity: expected an integer from 1 to ${MAX_QUANTITY}`)
    .min(1, `quantity: expected an integer from 1 to ${MAX_QUANTITY}`)
    .max(MAX_QUANTITY, `quantity: expected an integer from 1 to ${MAX_QUANTITY}`),
  userId: z.union([z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/), z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)], {
    error: 'userId: expected 1 to 64 of A-Z a-z 0-9 _ . : @ - (or a positive integer)',
  }),
});

const KEY = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface OrderRequest {
  productId: number;
  quantity: number;
  userId: string;
  idempotencyKey: string;
}

/** Validates `POST /orders` at the edge: the body and the `Idempotency-Key` header. */
export function parseOrderRequest(raw: unknown, keyHeader: string | string[] | undefined): OrderRequest {
  const idempotencyKey = Array.isArray(keyHeader) ? undefined : keyHeader;
  if (idempotencyKey === undefined || !KEY.test(idempotencyKey)) {
    throw new ServiceError('invalid_idempotency_key', 'expected one Idempotency-Key header of 1 to 128 of A-Z a-z 0-9 _ . : -');
  }
  const result = body.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : (issue?.message ?? 'invalid body');
    throw new ServiceError('invalid_request', typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? where : 'expected a JSON object {productId, quantity, userId}');
  }
  return { ...result.data, userId: String(result.data.userId), idempotencyKey };
}
