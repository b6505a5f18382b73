import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A stand-in for the shop in its own process, so a test can stall it for real (SIGSTOP) while
 * the generator's threads keep their schedule. Views answer `X-Cache: HIT`; purchases 201 with
 * an order id, except keys ending in a multiple of `slowEvery`, held `slowMs` first.
 * `GET /_keys` lists every purchase key received, to compare with the ledger.
 */
const PROGRAM = `
import http from 'node:http';
const [port, slowEvery, slowMs] = process.argv.slice(1).map(Number);
const keys = [];
let orders = 0;
http.createServer((req, res) => {
  if (req.url === '/_keys') return res.end(JSON.stringify(keys));
  if (req.method === 'POST') {
    const key = req.headers['idempotency-key'];
    keys.push(key);
    req.resume();
    const answer = () => { res.statusCode = 201; res.end(JSON.stringify({ orderId: ++orders })); };
    const n = Number(String(key).split('-').pop());
    return slowEvery > 0 && n % slowEvery === 0 ? setTimeout(answer, slowMs) : req.on('end', answer);
  }
  res.setHeader('x-cache', 'HIT');
  res.end('{}');
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\\n'));
`;

export interface StubService {
  origin: string;
  process: ChildProcess;
  keys(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startStubService(port: number, slow: { every: number; ms: number } = { every: 0, ms: 0 }): Promise<StubService> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PROGRAM, String(port), String(slow.every), String(slow.ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout!, 'data');
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    process: child,
    keys: async () => (await (await fetch(`${origin}/_keys`)).json()) as string[],
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}
