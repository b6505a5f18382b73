import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { nodesOfKind, type NodeOfKind, type Topology } from '../../topology/model.js';
import type { RenderContext } from '../../provision/render-context.js';
import type { TopologyState } from '../../provision/state.js';
import type { ComposeNetwork, ExportedFile } from './compose-file.js';

/**
 * The volume of the topology's state folder in a compose project. Node names have no `_`, so it
 * is no node's volume.
 */
export const STATE_VOLUME = 'shopctl_state';

/**
 * A monitor node (`ha.mysql.failover: auto`) in a compose project. `shopctl monitor` opens the
 * topology as `up` leaves it: its file, `state.json` and `secrets.json` in the state folder,
 * where it records the promotions (`failover.json`), and the databases' folders, where it leaves
 * markers. Here these are a copy of the topology file as the project runs it (the export's
 * network, one engine: no `docker.hosts`), a `state.json` naming the docker driver, the
 * project's `secrets.json`, a volume for the state folder — the record must outlive the
 * container: a monitor that lost it would take the file's primary for the primary again — and
 * the databases' volumes.
 *
 * No engine socket: the docker runtime finds only the containers `up` labelled, not compose's.
 * So this monitor fences by read-only only, and a primary that does not answer is not failed
 * over (`failover_refused`): nothing could make sure it takes no more writes. Automatic
 * failover of a dead primary is `up --driver docker`'s (docs/failover.md).
 */
export function monitorContext(ctx: RenderContext): RenderContext {
  return { ...ctx, topology: { ...ctx.topology, file: topologyInContainer(ctx) } };
}

/** The files and volumes the monitor's service gets beside its own config. */
export function monitorMounts(node: NodeOfKind<'monitor'>, source: Topology, network: ComposeNetwork, ctx: RenderContext): { files: ExportedFile[]; volumes: string[] } {
  const topologyCopy = `config/${node.name}/topology.yaml`;
  const stateFile = `config/${node.name}/state.json`;
  const state: TopologyState = { topology: source.name, file: topologyInContainer(ctx), driver: 'docker', createdAt: new Date().toISOString(), nodes: source.nodes.map((n) => n.name) };
  return {
    files: [
      { path: topologyCopy, content: topologyAsRun(source, network), secret: false },
      { path: stateFile, content: `${JSON.stringify(state, null, 2)}\n`, secret: false },
    ],
    volumes: [
      `${STATE_VOLUME}:${ctx.paths.root}`,
      ...nodesOfKind(source, 'mysql').map((n) => `${n.name}:${ctx.paths.node(n.name).dir}`),
      `./${topologyCopy}:${topologyInContainer(ctx)}:ro`,
      `./${stateFile}:${ctx.paths.stateFile}:ro`,
      `./secrets.json:${ctx.paths.secretsFile}:ro`,
    ],
  };
}

/** Beside the state folder: /shopctl/<topology>.yaml. */
export function topologyInContainer(ctx: RenderContext): string {
  return join(dirname(ctx.paths.root), `${ctx.topology.name}.yaml`);
}

/** The user's file with the project's network and without other engines: what the containers run. */
export function topologyAsRun(source: Topology, network: ComposeNetwork, runBy = `the compose project (shopctl export compose from ${source.file})`): string {
  const yaml = parse(readFileSync(source.file, 'utf8')) as { name?: string; docker?: Record<string, unknown> };
  const docker: Record<string, unknown> = { ...yaml.docker, network };
  delete docker.hosts;
  return `# The topology as ${runBy} runs it.\n${stringify({ ...yaml, name: source.name, docker })}`;
}
