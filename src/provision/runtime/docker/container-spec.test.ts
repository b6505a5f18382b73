import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../../topology/load.js';
import { findNode } from '../../../topology/model.js';
import { topologyPaths } from '../../home.js';
import { runtimeNode } from '../runtime.js';
import { containerOptions, sameBinds } from './container-spec.js';

const topology = loadTopology(new URL('../../../../topology/docker-local.yaml', import.meta.url).pathname);
const bridged = { ...topology, docker: { ...topology.docker, network: 'bridge' as const } };
const app1 = runtimeNode(topologyPaths(topology.name, '/srv/shopctl'), findNode(topology, 'app1') ?? expect.unreachable('app1 is in docker-local.yaml'));
const run = { Entrypoint: ['/bin/sh'], Cmd: ['node'] };

describe('a node container on the host network', () => {
  const options = containerOptions(topology, app1, 'server', 'shopctl/node:20', run, [{ path: '/opt/shopctl/', writable: false }]);

  it('is named and labelled by topology, node and role, so down finds it after a crash', () => {
    expect(options.name).toBe('shopctl-docker-local-app1');
    expect(options.Labels).toMatchObject({ 'io.shopctl.managed': 'true', 'io.shopctl.topology': 'docker-local', 'io.shopctl.node': 'app1', 'io.shopctl.role': 'server' });
  });

  it('shares the host network and mounts the node folder at the same path', () => {
    expect(options.HostConfig).toEqual({ NetworkMode: 'host', Binds: ['/srv/shopctl/docker-local/app1:/srv/shopctl/docker-local/app1', '/opt/shopctl:/opt/shopctl:ro'] });
    expect(options.WorkingDir).toBe('/srv/shopctl/docker-local/app1');
    expect(options.ExposedPorts).toBeUndefined();
  });
});

describe('a node container on the topology bridge network', () => {
  const options = containerOptions(bridged, app1, 'server', 'shopctl/node:20', run, []);

  it('joins shopctl-<topology> under its node name, the name its peers use', () => {
    expect(options.HostConfig?.NetworkMode).toBe('shopctl-docker-local');
    expect(options.NetworkingConfig).toEqual({ EndpointsConfig: { 'shopctl-docker-local': { Aliases: ['app1'] } } });
  });

  it('publishes its port on the engine loopback only, never on every interface', () => {
    expect(options.ExposedPorts).toEqual({ '18181/tcp': {} });
    expect(options.HostConfig?.PortBindings).toEqual({ '18181/tcp': [{ HostIp: '127.0.0.1', HostPort: '18181' }] });
  });

  it('runs a one-off task with no network at all', () => {
    const task = containerOptions(bridged, app1, 'task', 'shopctl/node:20', run, []);
    expect(task.name).toBe('shopctl-docker-local-app1-task');
    expect(task.HostConfig?.NetworkMode).toBe('none');
    expect(task.NetworkingConfig).toBeUndefined();
  });
});

describe('folders shared with a container', () => {
  it('are bound at their own path, once each: writable wins over read-only, nested paths stay', () => {
    const binds = sameBinds([
      { path: '/srv/shopctl/ha/monitor', writable: true },
      { path: '/opt/shopctl/', writable: false },
      { path: '/srv/shopctl', writable: false },
      { path: '/srv/shopctl/ha', writable: true },
      { path: '/srv/shopctl/ha/', writable: false },
    ]);
    expect(binds).toEqual(['/srv/shopctl/ha/monitor:/srv/shopctl/ha/monitor', '/opt/shopctl:/opt/shopctl:ro', '/srv/shopctl:/srv/shopctl:ro', '/srv/shopctl/ha:/srv/shopctl/ha']);
  });
});
