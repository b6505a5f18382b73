import type { Command } from 'commander';
import type { z } from 'zod';
import { UsageError, type ExitCode } from '../errors.js';

/**
 * One CLI command: its name, what `--help` says, how it declares its arguments and options, and
 * its action, which returns the exit code (or throws a ShopctlError that carries one).
 */
export interface CommandSpec {
  name: string;
  summary: string;
  configure(command: Command): Command;
  action(...args: unknown[]): Promise<ExitCode>;
}

/** Validates commander's parsed options at the edge; a bad value exits 64 naming the flag. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${flagName(issue.path)}: ${issue.message}`);
  throw new UsageError(`invalid option ${lines[0] ?? ''}`, lines.slice(1));
}

/** commander's camelCase key back to the flag a user typed: dryRun → --dry-run. */
function flagName(path: readonly PropertyKey[]): string {
  return `--${String(path[0] ?? '').replace(/([A-Z])/g, '-$1').toLowerCase()}`;
}
