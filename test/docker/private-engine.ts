import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateEngine {
  /** Its DOCKER_HOST. */
  host: string;
  stop(): Promise<void>;
}

export function engineAnswers(host: string | undefined): boolean {
  try {
    execFileSync('docker', ['info'], { env: { ...process.env, ...(host === undefined ? {} : { DOCKER_HOST: host }) }, stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A dockerd of the tests' own: data, exec root and pid file under a temporary folder, vfs
 * storage, no bridge and no iptables (host networking only). It listens on a unix socket there,
 * or on `tcp` (a loopback address:port, as a second machine's engine would listen on its
 * network; never another address). Stopped by its own pid.
 */
export async function startPrivateEngine(options: { tcp?: string } = {}): Promise<PrivateEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'shopctl-dockerd-'));
  const host = options.tcp === undefined ? `unix://${join(dir, 'docker.sock')}` : `tcp://${options.tcp}`;
  if (options.tcp !== undefined && !options.tcp.startsWith('127.')) throw new Error(`a test engine listens on loopback only, not ${options.tcp}`);
  const dockerd = spawn(
    'dockerd',
    ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '-H', host,
      ...(options.tcp === undefined ? [] : ['--tls=false']),
      '--storage-driver', 'vfs', '--bridge=none', '--iptables=false', '--ip-masq=false', '--ip6tables=false'],
    { stdio: ['ignore', 'ignore', 'ignore'], detached: true },
  );
  dockerd.on('error', (error) => {
    throw new Error(`cannot start dockerd (${error.message}); install it: apt-get install -y docker.io`);
  });
  dockerd.unref();
  const deadline = Date.now() + 60_000;
  while (!engineAnswers(host)) {
    if (Date.now() > deadline || dockerd.exitCode !== null) {
      if (dockerd.exitCode === null && dockerd.pid !== undefined) process.kill(dockerd.pid, 'SIGTERM');
      throw new Error(`the private dockerd did not answer on ${host} within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const stop = async () => {
    const pid = Number(readFileSync(join(dir, 'docker.pid'), 'utf8'));
    if (pid === dockerd.pid) process.kill(pid, 'SIGTERM');
    const until = Date.now() + 30_000;
    while (dockerd.exitCode === null && dockerd.signalCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    // dockerd leaves its default network namespace mounted under its exec-root.
    try {
      execFileSync('umount', [join(dir, 'exec', 'netns', 'default')], { stdio: 'ignore' });
    } catch {
      // not mounted
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { host, stop };
}
