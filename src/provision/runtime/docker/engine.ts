import Docker from 'dockerode';

/**
 * The network address of the machine an engine runs on, as its host-networked containers are
 * reached: the host of a tcp:// or http(s):// address; a unix socket is this machine's.
 */
export function engineMachineAddress(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const url = new URL(address);
  return url.protocol === 'unix:' ? undefined : url.hostname.replace(/^\[(.*)\]$/, '$1');
}

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
