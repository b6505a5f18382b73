import { nodesOfKind, type Topology } from '../../topology/model.js';
import { HOSTNAME_KEY, LABEL } from './labels.js';
import { objectMeta, type K8sObject, type TextFile } from './manifest.js';
import { TOPOLOGY_KEY, topologyInCluster } from './monitor-files.js';
import { IMAGE_LAUNCHER, IMAGE_PACKAGE } from './pod-context.js';
import { resourcesFor } from './resources.js';

export const BENCH_DIR = 'bench';
export const BENCH_JOB = 'bench-agents';
export const BENCH_RUN = 'bench-run';
export const RUN_ENV = 'run.env';
const RESULTS = '/results';
const TOPOLOGY_FILE = '/etc/shopctl/topology.yaml';

export const START_AT_PLACEHOLDER = 'set-me-to-an-ISO-time';
/** Ends a run that hangs (an agent stuck waiting, a target that never answers), freeing its nodes. */
const RUN_DEADLINE_SECONDS = 7200;

/** What the user edits before each run: the generator makes the `bench-run` ConfigMap of it. */
export const RUN_ENV_TEMPLATE = [
  '# Edit before each run, then: kubectl delete job bench-agents --ignore-not-found && kubectl apply --server-side -k .',
  '# SCENARIO: a file in the image (the package folder is the working directory).',
  '# START_AT: when every agent starts, ISO 8601 with a zone, several minutes ahead (image pulls, volume',
  '#   binding): date -u -d "+5 min" +%FT%TZ. An agent ready too late exits 64 and the run must be redone.',
  '# RUN_ID: a new one per run; results go to /results/$RUN_ID/agent-<index> on the bench-results volume.',
  'SCENARIO=scenarios/seed.yaml',
  // No time at all: an agent refuses it (64) at once, where a date far ahead had it wait for years.
  `START_AT=${START_AT_PLACEHOLDER}`,
  'RUN_ID=run-1',
  '',
].join('\n');

/**
 * `--bench-agents N`: an Indexed Job of N agents, each `shopctl bench --agent I/N` on its share
 * of the load against the balancer's Service, all starting at START_AT, each writing its part to
 * a shared ReadWriteMany claim for `shopctl report merge`. Its own kustomization, so applying the
 * topology starts no load. Agents prefer nodes without another agent or a topology pod: a
 * generator sharing a node with what it measures steals its CPUs.
 */
export function benchObjects(topology: Topology, image: string, agents: number): K8sObject[] {
  const balancer = nodesOfKind(topology, 'nginx')[0];
  if (balancer === undefined) throw new Error(`topology ${topology.name} has no balancer to drive`);
  const labels = { [LABEL.benchOf]: topology.name, [LABEL.component]: BENCH_JOB };
  const fromRun = (name: string) => ({ name, valueFrom: { configMapKeyRef: { name: BENCH_RUN, key: name } } });
  const command = [
    'exec node', IMAGE_LAUNCHER, 'bench -s "$SCENARIO" -t', TOPOLOGY_FILE,
    `--agent "$JOB_COMPLETION_INDEX/${agents}" --start-at "$START_AT" --run-id "$RUN_ID"`,
    `--target http://${balancer.name}:${balancer.port}`, `--out "${RESULTS}/$RUN_ID/agent-$JOB_COMPLETION_INDEX"`,
  ].join(' ');
  const prefer = (weight: number, matchLabels: Record<string, string>) => ({ weight, podAffinityTerm: { topologyKey: HOSTNAME_KEY, labelSelector: { matchLabels } } });
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta('bench-topology', labels), data: { [TOPOLOGY_KEY]: topologyInCluster(topology) } },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: objectMeta('bench-results', labels),
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: objectMeta(BENCH_JOB, labels),
      spec: {
        completionMode: 'Indexed',
        completions: agents,
        parallelism: agents,
        backoffLimit: 0,
        activeDeadlineSeconds: RUN_DEADLINE_SECONDS,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            enableServiceLinks: false,
            affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [prefer(100, labels), prefer(50, { [LABEL.topology]: topology.name })] } },
            containers: [
              {
                name: 'agent',
                image,
                command: ['/bin/sh', '-c', command],
                workingDir: IMAGE_PACKAGE,
                env: [fromRun('SCENARIO'), fromRun('START_AT'), fromRun('RUN_ID')],
                resources: resourcesFor('bench-agent', topology),
                volumeMounts: [
                  { name: 'topology', mountPath: TOPOLOGY_FILE, subPath: TOPOLOGY_KEY, readOnly: true },
                  { name: 'results', mountPath: RESULTS },
                ],
              },
            ],
            volumes: [
              { name: 'topology', configMap: { name: 'bench-topology' } },
              { name: 'results', persistentVolumeClaim: { claimName: 'bench-results' } },
            ],
          },
        },
      },
    },
  ];
}

export function benchRunEnv(): TextFile {
  return { path: `${BENCH_DIR}/${RUN_ENV}`, content: RUN_ENV_TEMPLATE, secret: false };
}
