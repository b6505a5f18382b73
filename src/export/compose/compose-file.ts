import { basename } from 'node:path';
import { UsageError } from '../../errors.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { nodesOfKind, primaryOf, replicasOf, type Topology, type TopologyNode } from '../../topology/model.js';
import { LOOPBACK } from '../../provision/addressing.js';
import { topologyPaths } from '../../provision/home.js';
import { fileRoles } from '../../failover/roles.js';
import { programsOf, withKind } from '../../provision/nodes/kinds.js';
import { initializedMarker, installSpec } from '../../provision/nodes/mysql.js';
import type { NodeFile } from '../../provision/nodes/node-kind.js';
import type { RenderContext } from '../../provision/render-context.js';
import { programsOnImagePath } from '../../provision/runtime/docker/docker-runtime.js';
import { imageFor } from '../../provision/runtime/docker/images.js';
import { LABELS } from '../../provision/runtime/docker/labels.js';
import type { Secrets } from '../../provision/secrets.js';
import { databaseInitFiles, INIT_DIR, INIT_SCRIPT } from './database-init.js';
import { healthcheckFor, type ComposeHealthcheck } from './healthchecks.js';
import { monitorContext, monitorMounts, STATE_VOLUME } from './monitor-service.js';
import { shellLine } from './shell-quote.js';
import { ownedWhereRolesMove } from '../roles-in-files.js';

export type ComposeNetwork = 'host' | 'bridge';

/** Where each node's folder is in its container (a named volume per node). */
export const CONTAINER_HOME = '/shopctl';
/**
 * Compose containers and volumes carry the topology under their own label, not `up`'s, so
 * `shopctl down` of a topology with the same name never touches a compose project.
 */
export const EXPORT_LABEL = 'io.shopctl.exported-from';
export const INIT_SERVICE = 'db-init';
const NETWORK = 'shop';

type Condition = 'service_healthy' | 'service_completed_successfully';

export interface ComposeService {
  image: string;
  entrypoint: string[];
  command: string[];
  working_dir?: string;
  environment?: Record<string, string>;
  volumes: string[];
  labels: Record<string, string>;
  healthcheck?: ComposeHealthcheck;
  depends_on?: Record<string, { condition: Condition }>;
  restart: 'unless-stopped' | 'no';
  // No ulimits: a container may not raise its open-files limit above the engine's own (runc
  // refuses to start it), so each inherits the engine's, as with `up --driver docker`.
  network_mode?: 'host' | 'none';
  networks?: string[];
  ports?: string[];
}

export interface ComposeDocument {
  services: Record<string, ComposeService>;
  volumes: Record<string, { labels: Record<string, string> }>;
  networks?: Record<string, { driver: 'bridge'; labels: Record<string, string> }>;
}

/** A file the compose file mounts, relative to the folder it is written to. */
export interface ExportedFile {
  path: string;
  content: string;
  secret: boolean;
}

export interface ComposeExport {
  document: ComposeDocument;
  files: ExportedFile[];
}

/**
 * A docker-compose project equivalent to the topology: one service per node running what `up`
 * runs (the same config files, rendered by the same node kinds for container paths), with the
 * healthchecks `up` waits for, start order by `depends_on` conditions, a named volume per node
 * folder, and the database setup as a one-off init service. `host`: every container on the host
 * network, all on 127.0.0.1 as with `up`. `bridge`: a network of the project's own, nodes
 * found by name, each port published on 127.0.0.1 only.
 */
export function composeExport(topology: Topology, network: ComposeNetwork, secrets: Secrets): ComposeExport {
  if (topology.nodes.some((n) => n.name === INIT_SERVICE)) {
    throw new UsageError(`${topology.file}: nodes.${INIT_SERVICE}: the compose export names its database setup service ${INIT_SERVICE}`, ['rename that node']);
  }
  const ctx = containerContext(topology, network, secrets);
  requireSocketsInVolumes(ctx);
  const labels = { [LABELS.managed]: 'true', [EXPORT_LABEL]: topology.name };
  const services: Record<string, ComposeService> = {};
  const files: ExportedFile[] = [];
  for (const node of topology.nodes) {
    // The monitor reads the topology file from where the container has it.
    const configs = withKind(node, (kind, n) => kind.files(n, n.kind === 'monitor' ? monitorContext(ctx) : ctx)).map((f) => ownedWhereRolesMove(node, topology, f));
    files.push(...configs.map((f) => ({ path: configPath(node, f), content: f.content, secret: f.secret })));
    services[node.name] = nodeService(node, ctx, configs, network, labels);
    if (node.kind === 'monitor') {
      const extra = monitorMounts(node, topology, network, ctx);
      files.push(...extra.files);
      services[node.name]?.volumes.push(...extra.volumes);
    }
  }
  const monitored = nodesOfKind(topology, 'monitor').length > 0;
  const init = databaseInitFiles(ctx);
  files.push(...init.map((f) => ({ path: `init/${f.name}`, content: f.content, secret: true })));
  services[INIT_SERVICE] = initService(ctx, labels);
  return {
    document: withoutInterpolation({
      services,
      volumes: Object.fromEntries([...topology.nodes.map((n) => n.name), ...(monitored ? [STATE_VOLUME] : [])].map((name) => [name, { labels }])),
      ...(network === 'bridge' ? { networks: { [NETWORK]: { driver: 'bridge' as const, labels } } } : {}),
    }),
    files,
  };
}

/**
 * How the containers see the topology: node folders in their volumes, programs by name (the
 * image's PATH finds them), root inside. One compose project runs on one engine: on its host
 * network every node is on 127.0.0.1.
 */
function containerContext(topology: Topology, network: ComposeNetwork, secrets: Secrets): RenderContext {
  return {
    topology: { ...topology, docker: { ...topology.docker, network } },
    paths: topologyPaths(topology.name, CONTAINER_HOME),
    secrets,
    addressing: network === 'bridge' ? { kind: 'bridge' } : LOOPBACK,
    programs: programsOnImagePath(programsOf(topology.nodes)),
    runningAsRoot: true,
    // A new project starts as the file says; a failover inside it moves the roles at run time.
    roles: fileRoles(topology),
  };
}

/**
 * The init service reaches each database by its socket in the node's volume; a socket path
 * too long for the kernel would be put under /tmp instead, which no other container sees.
 */
export function requireSocketsInVolumes(ctx: RenderContext): void {
  for (const node of ctx.topology.nodes) {
    const paths = ctx.paths.node(node.name);
    if (node.kind === 'mysql' && !paths.socket.startsWith(`${paths.dir}/`)) {
      throw new UsageError(`${ctx.topology.file}: the names of topology ${ctx.topology.name} and node ${node.name} are too long for a socket path in a container`, [
        'shorten one of them (together they must stay under about 70 characters)',
      ]);
    }
  }
}

function configPath(node: TopologyNode, file: NodeFile): string {
  return `config/${node.name}/${basename(file.path)}`;
}

function nodeService(node: TopologyNode, ctx: RenderContext, configs: readonly NodeFile[], network: ComposeNetwork, labels: Record<string, string>): ComposeService {
  const dir = ctx.paths.node(node.name).dir;
  const launch = withKind(node, (kind, n) => kind.launch(n, ctx));
  return {
    image: imageFor(ctx.topology, node),
    // The image's own entrypoint (official images have one) is replaced: the node's folders
    // first, then the server as the container's main process.
    entrypoint: ['/bin/sh', '-c', [...firstStart(node, ctx, configs), 'exec "$0" "$@"'].join(' && ')],
    command: [basename(launch.command), ...launch.args],
    working_dir: dir,
    ...(launch.env === undefined ? {} : { environment: launch.env }),
    volumes: [
      `${node.name}:${dir}`,
      ...configs.map((f) => `./${configPath(node, f)}:${mountedAt(f)}:ro`),
      ...(node.kind === 'app' || node.kind === 'monitor' ? [`${PACKAGE_ROOT.replace(/\/$/, '')}:${PACKAGE_ROOT.replace(/\/$/, '')}:ro`] : []),
    ],
    labels: { ...labels, [LABELS.node]: node.name },
    healthcheck: healthcheckFor(node, ctx),
    ...dependencies(node, ctx.topology),
    restart: 'unless-stopped',
    ...(network === 'host' ? { network_mode: 'host' as const } : { networks: [NETWORK], ports: [`127.0.0.1:${node.port}:${node.port}`] }),
  };
}

/**
 * Where a config file is mounted (read-only): at its path, or beside it for a file the server
 * rewrites (Sentinel's), which the first start copies into the node's volume.
 */
function mountedAt(file: NodeFile): string {
  return file.ownedByServer === true ? `${file.path}.first` : file.path;
}

/**
 * Shell run before the server: its folders, the first copy of a config the server rewrites, and
 * a database's data directory on first start.
 */
function firstStart(node: TopologyNode, ctx: RenderContext, configs: readonly NodeFile[]): string[] {
  const dirs = withKind(node, (kind, n) => kind.directories(n, ctx));
  const steps = dirs.length === 0 ? [] : [shellLine(['mkdir', '-p', ...dirs])];
  for (const file of configs.filter((f) => f.ownedByServer === true)) steps.push(`{ [ -f ${file.path} ] || cp ${mountedAt(file)} ${file.path}; }`);
  if (node.kind !== 'mysql') return steps;
  const paths = ctx.paths.node(node.name);
  const marker = initializedMarker(ctx, node);
  const spec = installSpec(node, ctx);
  const install = shellLine([basename(spec.command), ...spec.args]);
  // As `up` does: a half-written data directory (a killed install) is wiped and made again.
  return [...steps, `{ [ -f ${marker} ] || { rm -rf ${paths.dataDir} && mkdir -p ${paths.dataDir} && ${install} && date -u > ${marker}; }; }`];
}

function dependencies(node: TopologyNode, topology: Topology): Pick<ComposeService, 'depends_on'> {
  const on = (names: readonly string[], condition: Condition) => Object.fromEntries(names.map((name) => [name, { condition }]));
  switch (node.kind) {
    case 'nginx':
      return { depends_on: on(node.upstreams, 'service_healthy') };
    case 'app': {
      // With Sentinels the app asks them for the master.
      const redis = topology.ha.redis === 'sentinel' ? nodesOfKind(topology, 'sentinel') : [primaryOf(topology, 'redis')];
      return { depends_on: { ...on(redis.map((n) => n.name), 'service_healthy'), ...on([INIT_SERVICE], 'service_completed_successfully') } };
    }
    case 'redis':
      return node.replicaOf === undefined ? {} : { depends_on: on([node.replicaOf], 'service_healthy') };
    case 'mysql':
      return {};
    case 'sentinel':
      return { depends_on: on(nodesOfKind(topology, 'redis').map((n) => n.name), 'service_healthy') };
    case 'monitor':
      return { depends_on: on([INIT_SERVICE], 'service_completed_successfully') };
  }
}

/** The one-off database setup: after every database answers, before any app starts. */
function initService(ctx: RenderContext, labels: Record<string, string>): ComposeService {
  const primary = primaryOf(ctx.topology, 'mysql');
  const databases = [primary, ...replicasOf(ctx.topology, 'mysql')];
  return {
    image: imageFor(ctx.topology, primary),
    entrypoint: ['/bin/sh'],
    command: [`${INIT_DIR}/${INIT_SCRIPT}`],
    volumes: [...databases.map((n) => `${n.name}:${ctx.paths.node(n.name).dir}`), `./init:${INIT_DIR}:ro`],
    labels: { ...labels, [LABELS.node]: INIT_SERVICE },
    depends_on: Object.fromEntries(databases.map((n) => [n.name, { condition: 'service_healthy' as const }])),
    restart: 'no',
    // It reaches the servers by their sockets in the shared volumes.
    network_mode: 'none',
  };
}

/**
 * Compose substitutes `${VAR}` and `$VAR` in every value; our shell lines mean their `$` for the
 * container's shell, so each is written `$$`.
 */
function withoutInterpolation<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('$', '$$$$') : v))) as T;
}
