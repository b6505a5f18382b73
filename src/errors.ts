/**
 * The exit codes of DESIGN.md section 2, the same for every command, and the errors that carry
 * them. Commands throw; `cli.ts` maps the error to its code in one place.
 */
export const ExitCode = {
  ok: 0,
  thresholdFailed: 1,
  invariantViolated: 2,
  environment: 3,
  untrustedMeasurement: 4,
  usage: 64,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class ShopctlError extends Error {
  abstract readonly exitCode: ExitCode;
  /** Extra lines (a hint, a command to run, log excerpts) printed under the message. */
  readonly details: string[];

  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = [...details];
  }
}

/** Bad flag, invalid YAML, unknown node: the user can fix the call. */
export class UsageError extends ShopctlError {
  readonly exitCode = ExitCode.usage;
}

/** Node down, binary missing, port taken, not provisioned: the machine cannot do it now. */
export class EnvironmentError extends ShopctlError {
  readonly exitCode = ExitCode.environment;
}

export class ThresholdFailedError extends ShopctlError {
  readonly exitCode = ExitCode.thresholdFailed;
}

export class InvariantViolatedError extends ShopctlError {
  readonly exitCode = ExitCode.invariantViolated;
}

export class UntrustedMeasurementError extends ShopctlError {
  readonly exitCode = ExitCode.untrustedMeasurement;
}

/** A command whose outcome is a verdict rather than an exception returns its code directly. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ShopctlError) return error.exitCode;
  return ExitCode.environment;
}
