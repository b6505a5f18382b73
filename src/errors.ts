/**
 * The exit codes of DESIGN.md section 2, the same for every command, and the errors that carry
 * them. One rule decides which way a code travels:
 * - A verdict on a result is returned. When a command has measured or checked something, it
 *   computes its code from that result (bench from its report's self-check, verify from
 *   `verdictOf`) and returns it, after writing the result. Threshold failures (1) and invariant
 *   violations (2) are only ever known from a result, so they are never thrown.
 * - An error is thrown only when the command stops before it has a result: bad input (64), an
 *   unusable machine (3), a generator that could not be trusted before it sent anything (4: too
 *   few file descriptors), or the user stopping it (130/143, thrown also after a partial report
 *   is written, since an interrupted run is no verdict). `cli.ts` maps the error to its code.
 */
export const ExitCode = {
  ok: 0,
  thresholdFailed: 1,
  invariantViolated: 2,
  environment: 3,
  untrustedMeasurement: 4,
  usage: 64,
  /** Ctrl-C (128 + SIGINT) or SIGTERM (128 + 15), after cleaning up: the shell's convention. */
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class ShopctlError extends Error {
  abstract readonly exitCode: ExitCode;
  /** Extra lines (a hint, a command to run, log excerpts) printed under the message. */
  readonly details: string[];

  constructor(message: string, details: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
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

/** The generator cannot measure trustworthily, known before it sends anything (open-files limit). */
export class UntrustedMeasurementError extends ShopctlError {
  readonly exitCode = ExitCode.untrustedMeasurement;
}

/** The user stopped the command (Ctrl-C, SIGTERM); it undid what it had started first. */
export class InterruptedError extends ShopctlError {
  readonly exitCode: ExitCode;

  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}; what this command had started was stopped`);
    this.exitCode = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
  }
}

/** The exit code of any error: its own, or 3 for an unexpected one (printed with its stack). */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof ShopctlError) return error.exitCode;
  return ExitCode.environment;
}
