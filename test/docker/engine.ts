import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { engineAnswers, startPrivateEngine } from './private-engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The engine the docker tests use (DOCKER_HOST's, or the private one started here). */
    dockerHost: string;
  }
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The docker tests' engine: DOCKER_HOST's when one answers, else a private dockerd of the tests'
 * own (private-engine.ts), stopped by its pid when the tests end. Then the node images, built
 * from Debian packages.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let stop = async () => {};
  if (!engineAnswers(process.env.DOCKER_HOST)) {
    const engine = await startPrivateEngine();
    process.env.DOCKER_HOST = engine.host;
    stop = engine.stop;
  }
  execFileSync('bash', [join(ROOT, 'scripts/docker/build-images.sh')], { stdio: 'inherit', env: process.env, timeout: 900_000 });
  project.provide('dockerHost', process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock');
  return stop;
}
