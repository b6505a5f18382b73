import type { NodeOfKind, TopologyNode } from '../../topology/model.js';
import type { NodeKindName } from '../../topology/schema.js';
import type { Program } from '../binaries.js';
import type { NodeKind } from './node-kind.js';
import { appKind } from './app.js';
import { monitorKind } from './monitor.js';
import { mysqlKind } from './mysql.js';
import { nginxKind } from './nginx.js';
import { redisKind } from './redis.js';
import { sentinelKind } from './sentinel.js';

type Visitor<R> = <K extends NodeKindName>(kind: NodeKind<K>, node: NodeOfKind<K>) => R;

/** Calls `visit` with the node kind that knows how to run `node`. */
export function withKind<R>(node: TopologyNode, visit: Visitor<R>): R {
  switch (node.kind) {
    case 'nginx':
      return visit(nginxKind, node);
    case 'app':
      return visit(appKind, node);
    case 'redis':
      return visit(redisKind, node);
    case 'mysql':
      return visit(mysqlKind, node);
    case 'sentinel':
      return visit(sentinelKind, node);
    case 'monitor':
      return visit(monitorKind, node);
  }
}

/** The programs that run `nodes`, each once. */
export function programsOf(nodes: readonly TopologyNode[]): Program[] {
  return [...new Set(nodes.flatMap((n) => withKind(n, (kind) => [...kind.programs])))];
}
