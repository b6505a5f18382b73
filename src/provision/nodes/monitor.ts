import { dirname, join } from 'node:path';
import { LAUNCHER } from '../../package-root.js';
import { monitorState } from '../../clients/monitor.js';
import type { MonitorConfig } from '../../failover/monitor-config.js';
import type { NodeOfKind } from '../../topology/model.js';
import { httpOrigin, listenAddress } from '../addressing.js';
import type { RenderContext } from '../render-context.js';
import { Wait } from '../wait/wait.js';
import type { NodeKind } from './node-kind.js';

/**
 * The database failover monitor (`ha.mysql.failover: auto`): `shopctl monitor` with a config
 * file naming the topology and its state folder. It is a node like the others so that `up`
 * starts it, `status` shows it, `down` stops it and `fault` can kill it (docs/failover.md).
 */
export const monitorKind: NodeKind<'monitor'> = {
  programs: [],

  directories: () => [],

  files(node, ctx) {
    return [{ path: monitorConfigFile(ctx, node), content: `${JSON.stringify(monitorConfig(node, ctx), null, 2)}\n`, secret: false }];
  },

  launch(node, ctx) {
    return {
      command: process.execPath,
      args: [LAUNCHER, 'monitor', '--config', monitorConfigFile(ctx, node)],
      // It loads the topology file and writes the record (failover.json) and the nodes' markers;
      // it fences by killing through the runtime.
      sharedPaths: [
        { path: dirname(ctx.topology.file), writable: false },
        { path: ctx.paths.root, writable: true },
      ],
      drivesRuntime: true,
    };
  },

  readiness(node, ctx) {
    return [Wait.forHttp(`${httpOrigin(ctx.addressing, node)}/healthz`)];
  },

  async health(node, running) {
    const state = await monitorState(running.origin(node));
    const last = state.record.promotions.at(-1);
    return {
      healthy: state.watching,
      detail: `epoch ${state.record.epoch}, primary ${state.record.primary}; ${state.lastCheck}${last === undefined ? '' : `; last ${last.kind} ${last.from} → ${last.to} at ${last.at}`}`,
      replication: { role: 'monitor', epoch: state.record.epoch, primary: state.record.primary, failedChecks: state.failedChecks, cooldownUntil: state.cooldownUntil },
    };
  },
};

export function monitorConfigFile(ctx: Pick<RenderContext, 'paths'>, node: Pick<NodeOfKind<'monitor'>, 'name'>): string {
  return join(ctx.paths.node(node.name).dir, 'monitor.json');
}

/** The topology file, and the folder holding its state, as the monitor finds them. */
export function monitorConfig(node: NodeOfKind<'monitor'>, ctx: RenderContext): MonitorConfig {
  return {
    node: node.name,
    host: listenAddress(ctx.addressing, node),
    port: node.port,
    topologyFile: ctx.topology.file,
    stateRoot: ctx.paths.root,
    intervalMs: node.intervalMs,
    failcount: node.failcount,
    cooldownS: node.cooldownS,
  };
}
