import { spawn } from 'node:child_process';
import { z } from 'zod';
import { EnvironmentError, ExitCode, UsageError } from '../errors.js';
import { clientFor, ROLE_WORDS, type ClientInvocation } from '../provision/shell.js';
import { loadTopology } from '../topology/load.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({ topology: z.string().optional(), execute: z.string().min(1, 'expected statements to run').optional() });

export const shellCommand: CommandSpec = {
  name: 'shell',
  summary: "open a node's own client (mariadb, or redis-cli for redis and sentinel nodes) logged in as admin; -e runs statements and prints their result",
  configure: (c) =>
    c
      .argument('<node>', `a mysql, redis or sentinel node of the topology (e.g. mysql-primary), or a role now: ${ROLE_WORDS.join(', ')} (primary/replica: the database's; a node's name wins)`)
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('-e, --execute <statements>', 'SQL statements separated by ";" (mysql) or one command per line (redis)'),
  async action(node, raw) {
    const opts = parseOptions(options, raw);
    const client = await clientFor(loadTopology(opts.topology), String(node), opts.execute);
    const { code, signal } = await runClient(client);
    if (signal !== null) throw new EnvironmentError(`${client.command} was ended by ${signal}`);
    if (code !== 0) throw new UsageError(`${client.command} exited with code ${code}: the statements failed (see above)`);
    return ExitCode.ok;
  },
};

/**
 * Runs the client on this terminal. Ctrl-C belongs to the client (mariadb cancels the running
 * query with it), so shopctl ignores it until the client exits.
 */
function runClient(client: ClientInvocation): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const ignore = () => {};
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(client.command, client.args, {
      env: { ...process.env, ...client.env },
      stdio: [client.input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    });
    if (client.input !== undefined) child.stdin?.end(client.input);
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  }).finally(() => {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  });
}
