import Docker from 'dockerode';

/**
 * A Docker engine client for a `unix://`, `tcp://` or `http(s)://` address; without one,
 * DOCKER_HOST, else the local socket (dockerode's own defaults).
 */
export function dockerEngine(address: string | undefined): Docker {
  if (address === undefined) return new Docker();
  const url = new URL(address);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return new Docker({ host: url.hostname, port: Number(url.port || (protocol === 'https' ? 2376 : 2375)), protocol });
}
