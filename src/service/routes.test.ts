import { describe, expect, it } from 'vitest';
import { ServiceError } from './errors.js';
import { parseProductId } from './routes.js';

describe('parseProductId', () => {
  it('accepts positive integers', () => {
    expect(parseProductId('1')).toBe(1);
    expect(parseProductId('10000')).toBe(10_000);
    expect(parseProductId('999999999999999')).toBe(999_999_999_999_999);
  });

  it.each(['0', '-1', '1.5', '01', 'abc', '', '1e3', "1' OR '1'='1", '9999999999999999', ' 1'])('refuses %j with 400 invalid_product_id', (raw) => {
    let error: unknown;
    try {
      parseProductId(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).status).toBe(400);
    expect((error as ServiceError).code).toBe('invalid_product_id');
  });
});
