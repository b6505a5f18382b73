import type { TopologyNode } from '../../topology/model.js';
import type { RenderContext } from '../../provision/render-context.js';
import { selectorOf } from './labels.js';
import { objectMeta, type K8sObject } from './manifest.js';
import { NODE_VOLUME, nodePod, portName } from './node-pod.js';
import { volumeSize } from './resources.js';

/**
 * A node's objects: its ConfigMap and Secret, its workload and the Service named after it, so
 * the configs the node kinds render (peers by node name) work unchanged.
 * - Databases, Redis, Sentinels and the monitor keep state: a StatefulSet of one with a claim
 *   for the node's folder, behind a headless Service. Replication and Sentinel peers must find a
 *   pod before it is ready (a replica is ready only once linked to its master), so those
 *   Services publish pods that are not ready yet.
 * - Apps and the balancer keep none: a Deployment each (one per app node, so the upstreams the
 *   nginx kind renders stay valid) behind a ClusterIP Service. The balancer's is ClusterIP too:
 *   expose it as docs/kubernetes.md says (a LoadBalancer Service, or port-forward).
 */
export function nodeObjects(node: TopologyNode, ctx: RenderContext, shopctlImage: string): { objects: K8sObject[]; secret?: K8sObject } {
  const pod = nodePod(node, ctx, shopctlImage);
  const labels = pod.template.metadata?.labels ?? {};
  const selector = selectorOf(ctx.topology, node.name);
  const stateful = node.kind !== 'app' && node.kind !== 'nginx';
  const service: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(node.name, labels),
    spec: {
      ...(stateful ? { clusterIP: 'None', publishNotReadyAddresses: node.kind !== 'monitor' } : { type: 'ClusterIP' }),
      selector,
      ports: [{ name: portName(node), port: node.port, targetPort: node.port }],
    },
  };
  const workload: K8sObject = stateful
    ? {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: objectMeta(node.name, labels),
        spec: {
          replicas: 1,
          serviceName: node.name,
          selector: { matchLabels: selector },
          template: pod.template,
          volumeClaimTemplates: [{ metadata: { name: NODE_VOLUME, labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: volumeSize(node.kind) } } } }],
        },
      }
    : {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: objectMeta(node.name, labels),
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: { ...pod.template, spec: { ...pod.template.spec, volumes: [{ name: NODE_VOLUME, emptyDir: {} }, ...(pod.template.spec?.volumes ?? [])] } },
        },
      };
  return {
    objects: [...(pod.files.configMap === undefined ? [] : [pod.files.configMap]), service, workload],
    ...(pod.files.secret === undefined ? {} : { secret: pod.files.secret }),
  };
}

