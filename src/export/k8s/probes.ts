import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { TopologyNode } from '../../topology/model.js';
import type { RenderContext } from '../../provision/render-context.js';
import { healthcheckFor } from '../compose/healthchecks.js';

export interface NodeProbes {
  readinessProbe: IProbe;
  livenessProbe: IProbe;
  startupProbe?: IProbe;
}

/**
 * Readiness is what `up` waits for (the compose healthchecks, run in the node's container; the
 * HTTP nodes by httpGet). Liveness is looser: the port accepts, and only after a minute of
 * failures is the container restarted, so a busy or slowly recovering server is not killed.
 * A database gets a startup probe: crash recovery of a large InnoDB may take minutes.
 */
export function probesFor(node: TopologyNode, ctx: RenderContext): NodeProbes {
  const readiness = { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3 };
  const loose = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
  const livenessProbe: IProbe = { tcpSocket: { port: node.port }, ...loose };
  switch (node.kind) {
    case 'nginx':
      return { readinessProbe: { httpGet: { path: '/healthz', port: node.port }, ...readiness }, livenessProbe };
    case 'app':
      return { readinessProbe: { httpGet: { path: '/readyz', port: node.port }, ...readiness }, livenessProbe: { httpGet: { path: '/healthz', port: node.port }, ...loose } };
    case 'monitor':
      return { readinessProbe: { httpGet: { path: '/healthz', port: node.port }, ...readiness }, livenessProbe };
    case 'mysql': {
      const ping = execOf(node, ctx);
      return {
        readinessProbe: { exec: ping, ...readiness },
        livenessProbe,
        startupProbe: { exec: ping, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 120 },
      };
    }
    case 'redis':
    case 'sentinel':
      return { readinessProbe: { exec: execOf(node, ctx), ...readiness }, livenessProbe };
  }
}

/** The compose healthcheck's test as an exec action: `CMD` as it is, `CMD-SHELL` through sh. */
function execOf(node: TopologyNode, ctx: RenderContext): { command: string[] } {
  const [form, ...rest] = healthcheckFor(node, ctx).test;
  return { command: form === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest };
}
