import type Docker from 'dockerode';
import { EnvironmentError } from '../../../errors.js';
import type { Topology, TopologyNode } from '../../../topology/model.js';

/** The image a node runs in, by its kind (and a database's flavor), from the topology. */
export function imageFor(topology: Pick<Topology, 'docker'>, node: TopologyNode): string {
  const images = topology.docker.images;
  switch (node.kind) {
    case 'nginx':
      return images.nginx;
    case 'app':
      return images.app;
    case 'redis':
      return images.redis;
    case 'mysql':
      return node.flavor === 'mysql' ? images.mysql : images.mariadb;
  }
}

export type PullListener = (image: string, status: string) => void;

/** Uses the image when the engine has it, else pulls it, telling `onProgress` how it goes. */
export async function ensureImage(engine: Docker, image: string, onProgress: PullListener): Promise<void> {
  try {
    await engine.getImage(image).inspect();
    return;
  } catch {
    // Not here: pull it.
  }
  try {
    onProgress(image, 'pulling');
    const stream = await engine.pull(image);
    await new Promise<void>((resolve, reject) => {
      engine.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: { status?: string; progress?: string }) => onProgress(image, [event.status, event.progress].filter(Boolean).join(' ')),
      );
    });
    onProgress(image, 'pulled');
  } catch (error) {
    throw new EnvironmentError(`image ${image} is not on the Docker engine and could not be pulled: ${(error as Error).message}`, [
      'without a registry, build the images from Debian packages: scripts/docker/build-images.sh',
      'and use a topology that names them, e.g. shopctl up --driver docker -t topology/docker-local.yaml',
    ]);
  }
}
