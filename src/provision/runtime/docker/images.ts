import type Docker from 'dockerode';
import { EnvironmentError } from '../../../errors.js';
import type { Topology, TopologyNode } from '../../../topology/model.js';
import { PullTally, type PullMessage } from './pull-progress.js';

/** The image a node runs in, by its kind (and a database's flavor), from the topology. */
export function imageFor(topology: Pick<Topology, 'docker'>, node: TopologyNode): string {
  const images = topology.docker.images;
  switch (node.kind) {
    case 'nginx':
      return images.nginx;
    case 'app':
      return images.app;
    case 'redis':
    case 'sentinel':
      return images.redis;
    // The monitor is shopctl itself, as the apps are.
    case 'monitor':
      return images.app;
    case 'mysql':
      return node.flavor === 'mysql' ? images.mysql : images.mariadb;
  }
}

export interface PullProgress {
  image: string;
  phase: 'started' | 'progress' | 'done' | 'failed';
  /** `progress`: layers and bytes so far; `failed`: why. */
  message?: string;
}

export type PullListener = (progress: PullProgress) => void;

/** How often a pull tells how far it got. */
const PROGRESS_EVERY_MS = 1000;

/** Uses the image when the engine has it, else pulls it, telling `onProgress` how it goes. */
export async function ensureImage(engine: Docker, image: string, onProgress: PullListener): Promise<void> {
  try {
    await engine.getImage(image).inspect();
    return;
  } catch {
    // Not here: pull it.
  }
  try {
    onProgress({ image, phase: 'started' });
    await pull(engine, image, onProgress);
    onProgress({ image, phase: 'done' });
  } catch (error) {
    onProgress({ image, phase: 'failed', message: (error as Error).message });
    throw new EnvironmentError(`image ${image} is not on the Docker engine and could not be pulled: ${(error as Error).message}`, [
      'without a registry, build the images from Debian packages: scripts/docker/build-images.sh',
      'and use a topology that names them, e.g. shopctl up --driver docker -t topology/docker-local.yaml',
    ]);
  }
}

async function pull(engine: Docker, image: string, onProgress: PullListener): Promise<void> {
  const stream = await engine.pull(image);
  const tally = new PullTally();
  let told = Date.now();
  await new Promise<void>((resolve, reject) => {
    engine.modem.followProgress(
      stream,
      (error: Error | null) => (error ? reject(error) : resolve()),
      (message: PullMessage) => {
        tally.add(message);
        if (Date.now() - told < PROGRESS_EVERY_MS) return;
        told = Date.now();
        onProgress({ image, phase: 'progress', message: tally.summary() });
      },
    );
  });
}
