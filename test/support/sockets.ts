import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/**
 * Which process accepted a TCP connection, read from Linux's /proc: the server side of a
 * loopback connection is the /proc/net/tcp row whose local port is the server's and whose remote
 * port is the client's; its inode is a `socket:[inode]` link in the owner's /proc/PID/fd. This
 * tells an app node's workers apart without the service saying which one answered.
 */
export function acceptedBy(pids: readonly number[], serverPort: number, clientPort: number): number | undefined {
  const inode = serverSideInode(serverPort, clientPort);
  if (inode === undefined) return undefined;
  return pids.find((pid) => socketInodes(pid).has(inode));
}

function serverSideInode(serverPort: number, clientPort: number): string | undefined {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  // Fields: sl local_address rem_address st … uid timeout inode (10th).
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${hex(serverPort)}`) && fields[2]?.endsWith(`:${hex(clientPort)}`)) return fields[9];
  }
  return undefined;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** A keep-alive connection that has been answered once (so a worker holds it), left open. */
export function answeredConnection(port: number, path = '/healthz'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    socket.once('data', (data) => (data.toString().startsWith('HTTP/1.1 200') ? resolve(socket) : reject(new Error(data.toString()))));
    socket.once('error', reject);
  });
}

/** The inode of the socket listening on `port` (state 0A in /proc/net/tcp). */
export function listeningInode(port: number): string | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${hex}`) && fields[3] === '0A') return fields[9];
  }
  return undefined;
}

/** How many of a process's file descriptors refer to the socket `inode`. */
export function descriptorsOf(pid: number, inode: string): number {
  let count = 0;
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) count += 1;
    } catch {
      // closed while we looked
    }
  }
  return count;
}
