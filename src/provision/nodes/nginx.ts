import { join } from 'node:path';
import type { NodeOfKind } from '../../topology/model.js';
import { httpOrigin } from '../addressing.js';
import { httpGet, nginxActiveConnections } from '../../clients/http.js';
import type { RunningTopology } from '../../running/running-topology.js';
import { program, type RenderContext } from '../render-context.js';
import type { NodeHealth, NodeKind } from './node-kind.js';
import { Wait } from '../wait/wait.js';
import { NGINX_TEMP_DIRS, renderNginxConfig } from './nginx-config.js';

/** The load balancer in front of the app nodes. */
export const nginxKind: NodeKind<'nginx'> = {
  programs: ['nginx'],

  directories(node, ctx) {
    const dir = ctx.paths.node(node.name).dir;
    return NGINX_TEMP_DIRS.map((name) => join(dir, 'tmp', name));
  },

  files(node, ctx) {
    return [{ path: configFile(ctx, node), content: renderNginxConfig(node, ctx, ctx.paths.node(node.name)), secret: false }];
  },

  launch(node, ctx) {
    const dir = ctx.paths.node(node.name).dir;
    // -e: the error log before the config is read (nginx otherwise tries /var/log/nginx).
    return { command: program(ctx, 'nginx'), args: ['-p', dir, '-c', configFile(ctx, node), '-e', join(dir, 'error.log')] };
  },

  readiness(node, ctx) {
    return [Wait.forHttpThrough(`${httpOrigin(ctx.addressing, node)}/healthz`, node.upstreams)];
  },

  health: (node, running) => nginxHealth(node, running),
};

function configFile(ctx: RenderContext, node: NodeOfKind<'nginx'>): string {
  return join(ctx.paths.node(node.name).dir, 'nginx.conf');
}

async function nginxHealth(node: NodeOfKind<'nginx'>, running: RunningTopology): Promise<NodeHealth> {
  const origin = running.origin(node);
  const active = await nginxActiveConnections(origin);
  const through = await httpGet(`${origin}/healthz`);
  return {
    healthy: through.status === 200,
    detail: `GET /healthz through the LB: ${through.status}`,
    ...(active === undefined ? {} : { connections: active }),
  };
}
