/** Every error the service answers, defined once: code → HTTP status. Bodies are `{error, message}`. */
export const SERVICE_ERRORS = {
  /** Not HTTP the parser could read (answered on the raw socket). */
  bad_request: 400,
  invalid_product_id: 400,
  malformed_json: 400,
  invalid_request: 400,
  invalid_idempotency_key: 400,
  not_found: 404,
  product_not_found: 404,
  method_not_allowed: 405,
  sold_out: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The same Idempotency-Key was sent before with another product, quantity or user. */
  idempotency_key_reused: 422,
  internal: 500,
  /** A dependency (Redis, a database) does not answer. */
  unavailable: 503,
  /**
   * Too much waiting: no product lock, group or database connection free in time, or InnoDB
   * gave up on a row lock and the transaction was rolled back. Nothing this request did was
   * sold: a definite failure, as `overloaded` (the bench's ledger counts both as `failed`).
   */
  busy: 503,
  /**
   * Refused at admission: this app already has its bound of purchases in progress. Answered at
   * once, before any purchase statement runs, so nothing was sold for it: a definite failure.
   */
  overloaded: 503,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

/** The servers the service depends on; a 503 names the one it is about when it is known (the log's `dependency`). */
export type DependencyName = 'redis' | 'primary' | 'replica';

export class ServiceError extends Error {
  readonly status: number;
  /** The request may have changed data before failing (a database connection lost mid-way). */
  outcomeUnknown = false;

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** Seconds for `Retry-After` on a 503. */
    readonly retryAfterSeconds?: number,
    /** The dependency that failed or was too busy, when one did (logged with the refusal). */
    readonly dependency?: DependencyName,
  ) {
    super(message);
    this.status = SERVICE_ERRORS[code];
  }
}

/** A dependency failed: 503 with Retry-After, `what` and the cause in the message (never an internal 500). */
export function unavailable(dependency: DependencyName, what: string, cause: unknown): ServiceError {
  return new ServiceError('unavailable', `${what}: ${cause instanceof Error ? cause.message : String(cause)}`, 1, dependency);
}
