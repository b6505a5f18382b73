import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engine the docker tests use (DOCKER_HOST's, or the private one started here). */
    dockerHost: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function engineAnswers(host: string | undefined): boolean {
  try {
    execFileSync('docker', ['info'], { env: { ...process.env, ...(host === undefined ? {} : { DOCKER_HOST: host }) }, stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The docker tests' engine: DOCKER_HOST's when one answers, else a private dockerd of the tests'
 * own (data and socket under a temporary folder, no bridge, no iptables: host networking only),
 * stopped by its pid when the tests end. Then the node images, built from Debian packages.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stop = async () => {};
  if (!engineAnswers(process.env.DOCKER_HOST)) {
    const dir = mkdtempSync(join(tmpdir(), 'shopctl-dockerd-'));
    const socket = `unix://${join(dir, 'docker.sock')}`;
    const dockerd = spawn(
      'dockerd',
      ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '-H', socket,
        '--storage-driver', 'vfs', '--bridge=none', '--iptables=false', '--ip-masq=false', '--ip6tables=false'],
      { stdio: ['ignore', 'ignore', 'ignore'], detached: true },
    );
    dockerd.on('error', (error) => {
      throw new Error(`cannot start dockerd (${error.message}); install it: apt-get install -y docker.io`);
    });
    dockerd.unref();
    const deadline = Date.now() + 60_000;
    while (!engineAnswers(socket)) {
      if (Date.now() > deadline || dockerd.exitCode !== null) throw new Error(`the private dockerd did not answer on ${socket} within 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    process.env.DOCKER_HOST = socket;
    stop = async () => {
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
  }
  execFileSync('bash', [join(ROOT, 'scripts/docker/build-images.sh')], { stdio: 'inherit', env: process.env, timeout: 900_000 });
  project.provide('dockerHost', process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  return stop;
}
