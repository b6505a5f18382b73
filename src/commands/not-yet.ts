import { UsageError } from '../errors.js';
import type { CommandSpec } from './command.js';

/**
 * `verify` is part of the contract (DESIGN.md section 2) and listed in `--help`,
 * but its issue has not landed: it refuses with exit 64 rather than pretend to pass.
 */
function notYet(name: string, summary: string, issue: number): CommandSpec {
  return {
    name,
    summary: `${summary} (not implemented yet: issue #${issue})`,
    configure: (c) => c.allowUnknownOption().allowExcessArguments(),
    async action() {
      throw new UsageError(`shopctl ${name} is not implemented yet; it arrives with issue #${issue}`);
    },
  };
}

export const verifyCommand = notYet('verify', 'evaluate thresholds and audit the databases and cache', 5);
