import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateRegistry {
  /** host:port, to prefix image names with. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Debian's docker-registry on a loopback port, storage in a temporary folder: the registry a
 * machine without one lacks, so the docker driver's pull path runs for real. Engines trust a
 * registry on 127.0.0.0/8 without TLS by default. Stopped by its own pid.
 */
export async function startPrivateRegistry(port: number): Promise<PrivateRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'shopctl-registry-'));
  const address = `127.0.0.1:${port}`;
  const config = join(dir, 'config.yml');
  writeFileSync(config, `version: 0.1\nlog: { level: warn }\nstorage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }\nhttp: { addr: "${address}" }\n`);
  const registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  registry.on('error', (error) => {
    throw new Error(`cannot start docker-registry (${error.message}); install it: apt-get install -y docker-registry`);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answered = await fetch(`http://${address}/v2/`).then((r) => r.ok, () => false);
    if (answered) break;
    if (Date.now() > deadline || registry.exitCode !== null) throw new Error(`docker-registry did not answer on ${address} within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address,
    stop: async () => {
      if (registry.exitCode === null && registry.signalCode === null) {
        const exited = new Promise((r) => registry.once('exit', r));
        registry.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
