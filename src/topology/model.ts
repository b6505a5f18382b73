import { resolveAppSettings, type AppSettings } from './app-settings.js';
import type { NodeKindName, NodeSpec, TopologyFile } from './schema.js';

/** What a node is for in the topology; shown by `status` and used to pick config. */
export type NodeRole = 'load-balancer' | 'app' | 'primary' | 'replica' | 'sentinel' | 'monitor';

interface NodeIdentity {
  name: string;
  role: NodeRole;
  /** The server (of the S in `servers`) this node is grouped onto. */
  server: string;
}

export type NodeOfKind<K extends NodeKindName> = Extract<NodeSpec, { kind: K }> & NodeIdentity;
export type TopologyNode = NodeOfKind<NodeKindName>;

/** A validated topology with every node's name, role and server resolved. */
export interface Topology {
  name: string;
  /** Absolute path of the YAML file it was read from. */
  file: string;
  limits: TopologyFile['limits'];
  /** With app.workers and app.pools resolved for the machine that loaded it. */
  app: AppSettings;
  catalog: TopologyFile['catalog'];
  ha: TopologyFile['ha'];
  docker: TopologyFile['docker'];
  nodes: TopologyNode[];
}

export function resolveTopology(file: string, t: TopologyFile, cores: number): Topology {
  const serverOf = new Map<string, string>();
  for (const [server, members] of Object.entries(t.servers)) for (const m of members) serverOf.set(m, server);
  const nodes = Object.entries(t.nodes).map(([name, spec]) => ({
    ...spec,
    name,
    role: roleOf(spec),
    server: serverOf.get(name) ?? 'local',
  }));
  return { name: t.name, file, limits: t.limits, app: resolveAppSettings(t, cores), catalog: t.catalog, ha: t.ha, docker: t.docker, nodes };
}

function roleOf(spec: NodeSpec): NodeRole {
  switch (spec.kind) {
    case 'nginx':
      return 'load-balancer';
    case 'app':
      return 'app';
    case 'redis':
    case 'mysql':
      return spec.replicaOf === undefined ? 'primary' : 'replica';
    case 'sentinel':
      return 'sentinel';
    case 'monitor':
      return 'monitor';
  }
}

export function nodesOfKind<K extends NodeKindName>(t: Topology, kind: K): NodeOfKind<K>[] {
  return t.nodes.filter((n): n is NodeOfKind<K> => n.kind === kind);
}

/** The validator guarantees exactly one primary per data kind and one load balancer. */
export function primaryOf<K extends 'redis' | 'mysql'>(t: Topology, kind: K): NodeOfKind<K> {
  const primary = nodesOfKind(t, kind).find((n) => hasRole(n, 'primary'));
  if (primary === undefined) throw new Error(`topology ${t.name} has no ${kind} primary`);
  return primary;
}

export function replicasOf<K extends 'redis' | 'mysql'>(t: Topology, kind: K): NodeOfKind<K>[] {
  return nodesOfKind(t, kind).filter((n) => hasRole(n, 'replica'));
}

function hasRole(node: TopologyNode, role: NodeRole): boolean {
  return node.role === role;
}

export function loadBalancerOf(t: Topology): NodeOfKind<'nginx'> {
  const [lb] = nodesOfKind(t, 'nginx');
  if (lb === undefined) throw new Error(`topology ${t.name} has no nginx node`);
  return lb;
}

export function findNode(t: Topology, name: string): TopologyNode | undefined {
  return t.nodes.find((n) => n.name === name);
}
