import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CommandSpec } from './commands/command.js';
import { downCommand } from './commands/down.js';
import { exportCommand } from './commands/export.js';
import { faultCommand } from './commands/fault.js';
import { benchCommand } from './commands/bench.js';
import { verifyCommand } from './commands/verify.js';
import { reportCommand } from './commands/report.js';
import { serveCommand } from './commands/serve.js';
import { monitorCommand } from './commands/monitor.js';
import { failoverCommand } from './commands/failover.js';
import { shellCommand } from './commands/shell.js';
import { statusCommand } from './commands/status.js';
import { upCommand } from './commands/up.js';
import { ExitCode, ShopctlError, exitCodeOf } from './errors.js';
import { PACKAGE_ROOT } from './package-root.js';
import { writeErr } from './ui/terminal.js';

/** Every command, registered here and nowhere else, in the order `--help` lists them. */
const COMMANDS: readonly CommandSpec[] = [upCommand, statusCommand, shellCommand, benchCommand, verifyCommand, reportCommand, faultCommand, failoverCommand, downCommand, exportCommand, serveCommand, monitorCommand];

const EXIT_CODES_HELP = `
Exit codes (the same for every command):
  0   ok
  1   a threshold (SLO) failed
  2   a consistency invariant was violated (wins over every other code)
  3   the environment is not usable (node down, program missing, port taken, not provisioned)
  4   the measurement cannot be trusted (load generator saturated or short of its target)
  64  usage or config error (bad flag, invalid YAML: the file, key path and expectation are named)
  130 / 143  interrupted by Ctrl-C / SIGTERM, after undoing what the command had started

Human output goes to stderr; --json puts one JSON document on stdout.
State lives in .shopctl/<topology>/ of the working directory (or $SHOPCTL_HOME).`;

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function buildProgram(setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('shopctl')
    .description('Stand up an e-commerce topology (nginx → apps → redis → MariaDB), drive load at it, and prove with exit codes that it met its latency targets and never oversold.')
    .version(version(), '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const spec of COMMANDS) {
    const command = spec.configure(new Command(spec.name).description(spec.summary)).exitOverride();
    command.action(async (...args: unknown[]) => {
      // commander passes (...arguments, options, command); the command object is not ours.
      setExitCode(await spec.action(...args.slice(0, -1)));
    });
    program.addCommand(command);
  }
  return program;
}

/** Runs the CLI and returns its exit code; every error is mapped to a code here. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: ExitCode = ExitCode.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end with exit code 0; no command at all (help shown as an error) and
    // everything else commander rejects is usage.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof ShopctlError) {
    writeErr(`shopctl: ${error.message}`);
    for (const line of error.details) writeErr(`  ${line}`);
    return error.exitCode;
  }
  writeErr(`shopctl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return exitCodeOf(error);
}
