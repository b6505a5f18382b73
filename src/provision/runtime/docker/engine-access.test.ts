import { describe, expect, it } from 'vitest';
import { DEFAULT_SOCKET, engineAccess } from './engine-access.js';

const everySocket = () => true;

describe('a container that drives the engines (the monitor)', () => {
  it('gets each unix socket at its path and DOCKER_HOST as this CLI has it', () => {
    const access = engineAccess(['unix:///tmp/d1/docker.sock', 'tcp://127.0.0.2:29950', 'unix:///tmp/d1/docker.sock'], 'unix:///tmp/d1/docker.sock', everySocket);
    expect(access).toEqual({ sockets: [{ path: '/tmp/d1/docker.sock', writable: true }], env: { DOCKER_HOST: 'unix:///tmp/d1/docker.sock' } });
  });

  it('without DOCKER_HOST gets the default socket, and no DOCKER_HOST either', () => {
    expect(engineAccess([undefined], undefined, everySocket)).toEqual({ sockets: [{ path: DEFAULT_SOCKET, writable: true }], env: {} });
  });

  it('is not given a socket this machine lacks (the engine would make an empty folder of it)', () => {
    const access = engineAccess([undefined, 'unix:///run/user/1000/docker.sock'], undefined, (path) => path === DEFAULT_SOCKET);
    expect(access.sockets).toEqual([{ path: DEFAULT_SOCKET, writable: true }]);
  });

  it('reaches a tcp engine over the network: nothing to mount', () => {
    expect(engineAccess(['tcp://10.0.0.4:2375'], 'tcp://10.0.0.4:2375', everySocket)).toEqual({ sockets: [], env: { DOCKER_HOST: 'tcp://10.0.0.4:2375' } });
  });
});
