/** Every error the service answers, defined once: code → HTTP status. Bodies are `{error, message}`. */
export const SERVICE_ERRORS = {
  invalid_product_id: 400,
  not_found: 404,
  product_not_found: 404,
  method_not_allowed: 405,
  unavailable: 503,
  internal: 500,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERRORS;

export class ServiceError extends Error {
  readonly status: number;

  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** Seconds for `Retry-After` on a 503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = SERVICE_ERRORS[code];
  }
}
