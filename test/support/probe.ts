import { spawn } from 'node:child_process';
import { connect } from 'node:net';

/** How a server met a probe: it answered, it took the connection but said nothing, it refused, or the connect itself never completed. */
export type ProbeResult = 'answered' | 'silent' | 'refused' | 'connect-timeout';

/** What each kind of server answers first: MariaDB greets, Redis answers PING, HTTP answers a GET. */
export const FIRST_WORDS = {
  http: 'GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n',
  redis: 'PING\r\n',
  mysql: '',
} as const;

/**
 * Connects to 127.0.0.1:port, sends `hello`, and waits `timeoutMs` for the first byte back.
 * Runs in this process (outside every node's cgroup), or — as `probeFromCgroup` — inside one.
 */
export function probe(port: number, hello: string, timeoutMs = 1000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let connected = false;
    const done = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(connected ? 'silent' : 'connect-timeout'), timeoutMs);
    socket.once('connect', () => {
      connected = true;
      if (hello !== '') socket.write(hello);
    });
    socket.once('data', () => done('answered'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'refused' : connected ? 'silent' : 'connect-timeout'));
  });
}

const PROBE_SCRIPT = `
const { connect } = require('node:net');
const [port, hello, timeoutMs] = [Number(process.argv[1]), process.argv[2], Number(process.argv[3])];
const socket = connect({ host: '127.0.0.1', port });
let connected = false;
const done = (r) => { process.stdout.write(r); socket.destroy(); process.exit(0); };
setTimeout(() => done(connected ? 'silent' : 'connect-timeout'), timeoutMs);
socket.once('connect', () => { connected = true; if (hello !== '') socket.write(hello); });
socket.once('data', () => done('answered'));
socket.once('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : connected ? 'silent' : 'connect-timeout'));
`;

/**
 * The same probe from a process placed in a node's cgroup first (`cgroupDir`), so that a
 * partition treats its packets as that node's: what the node itself would meet.
 */
export function probeFromCgroup(cgroupDir: string, port: number, hello: string, timeoutMs = 1500): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroupDir, process.execPath, '-e', PROBE_SCRIPT, String(port), hello, String(timeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', () => (['answered', 'silent', 'refused', 'connect-timeout'].includes(out) ? resolve(out as ProbeResult) : reject(new Error(`probe printed "${out}": ${err}`))));
  });
}
