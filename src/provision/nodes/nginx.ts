import { join } from 'node:path';
import type { NodeOfKind } from '../../topology/model.js';
import { httpOrigin } from '../addressing.js';
import { program, type NodeHealth, type NodeKind, type ProvisionContext } from '../context.js';
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

  health: (node, ctx) => nginxHealth(node, ctx),
};

function configFile(ctx: ProvisionContext, node: NodeOfKind<'nginx'>): string {
  return join(ctx.paths.node(node.name).dir, 'nginx.conf');
}

async function nginxHealth(node: NodeOfKind<'nginx'>, ctx: ProvisionContext): Promise<NodeHealth> {
  const base = httpOrigin(ctx.addressing, node);
  const status = await fetch(`${base}/_nginx/status`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text());
  const active = Number(/Active connections:\s*(\d+)/.exec(status)?.[1] ?? Number.NaN);
  const through = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
  await through.body?.cancel();
  return {
    healthy: through.status === 200,
    detail: `GET /healthz through the LB: ${through.status}`,
    ...(Number.isNaN(active) ? {} : { connections: active }),
  };
}
