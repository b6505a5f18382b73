import { describe, expect, it } from 'vitest';
import { AdmissionGate } from './admission.js';
import { ServiceError } from './errors.js';

function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
  let resolve!: (v: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the admission gate', () => {
  it('runs up to its limit at once and refuses the next without calling it', async () => {
    const gate = new AdmissionGate(2);
    const held = [deferred(), deferred()];
    const running = held.map((d) => gate.admit(() => d.promise));
    expect(gate.inFlight).toBe(2);
    let called = false;
    const refused = await gate.admit(async () => {
      called = true;
      return 'sold';
    }).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe('overloaded');
    expect((refused as ServiceError).status).toBe(503);
    expect((refused as ServiceError).retryAfterSeconds).toBe(1);
    expect((refused as ServiceError).outcomeUnknown).toBe(false);
    expect(gate.rejected).toBe(1);
    held.forEach((d, i) => d.resolve(`order ${i}`));
    expect(await Promise.all(running)).toEqual(['order 0', 'order 1']);
    expect(gate.inFlight).toBe(0);
  });

  it('frees the place of a purchase that failed', async () => {
    const gate = new AdmissionGate(1);
    await expect(gate.admit(() => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(gate.inFlight).toBe(0);
    await expect(gate.admit(async () => 'ok')).resolves.toBe('ok');
    expect(gate.rejected).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new AdmissionGate(0)).toThrow(RangeError);
  });

  it('refuses a purchase that waited past its budget, a view that waited past the load balancer\'s wait; an unknown wait never', () => {
    const gate = new AdmissionGate(10, { purchase: 1000, view: 9000 });
    const refused = (() => {
      try {
        gate.checkWait('purchase', 1001);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).code).toBe('overloaded');
    expect((refused as ServiceError).retryAfterSeconds).toBe(1);
    expect((refused as ServiceError).message).toMatch(/waited 1001 ms .* over 1000 ms/);
    expect((refused as ServiceError).outcomeUnknown).toBe(false);
    expect(() => gate.checkWait('purchase', 1000)).not.toThrow();
    expect(() => gate.checkWait('purchase', undefined)).not.toThrow();
    expect(() => gate.checkWait('view', 9000)).not.toThrow();
    expect(() => gate.checkWait('view', undefined)).not.toThrow();
    expect(() => gate.checkWait('view', 9001)).toThrow(expect.objectContaining({ code: 'overloaded', status: 503 }));
    expect([gate.budgetLeft('purchase', 400), gate.budgetLeft('view', undefined)]).toEqual([600, undefined]);
    expect(gate.late).toEqual({ purchase: 1, view: 1 });
    expect(gate.rejected).toBe(0);
  });
});
