import { UsageError } from '../errors.js';
import type { Cut } from './nftables.js';

/** A partition as asked: one node cut from every other, or two groups cut from each other. */
export type PartitionSpec = { isolate: string } | { between: readonly string[]; and: readonly string[]; oneWay: boolean };

/**
 * The directed cuts of a partition among `nodes` (the topology's): `--isolate N` cuts N from
 * every other node both ways; `--between A,B --and C,D` cuts A and B from C and D, both ways
 * unless `oneWay` (then only what A and B send to C and D is dropped). Validated here: every node
 * known, no node on both sides.
 */
export function cutsOf(spec: PartitionSpec, nodes: readonly string[]): Cut[] {
  const known = (name: string) => {
    if (!nodes.includes(name)) throw new UsageError(`unknown node "${name}" in the partition`, [`nodes: ${nodes.join(', ')}`]);
    return name;
  };
  if ('isolate' in spec) {
    const node = known(spec.isolate);
    return nodes.filter((n) => n !== node).flatMap((other) => [{ from: node, to: other }, { from: other, to: node }]);
  }
  const left = [...new Set(spec.between.map(known))];
  const right = [...new Set(spec.and.map(known))];
  if (left.length === 0 || right.length === 0) throw new UsageError('a partition needs a node on each side: --between A[,B…] --and C[,D…]');
  const both = left.filter((n) => right.includes(n));
  if (both.length > 0) throw new UsageError(`node ${both.join(', ')} cannot be partitioned from itself: it is on both sides`);
  const forward = left.flatMap((from) => right.map((to) => ({ from, to })));
  return spec.oneWay ? forward : [...forward, ...forward.map(({ from, to }) => ({ from: to, to: from }))];
}

/** In words: `app1 | rest`, `app1,app2 | mysql-primary`, `app1 -> mysql-primary` (one way). */
export function describePartition(spec: PartitionSpec): string {
  if ('isolate' in spec) return `${spec.isolate} | rest`;
  return `${spec.between.join(',')} ${spec.oneWay ? '->' : '|'} ${spec.and.join(',')}`;
}

/** The nodes a partition is about: the isolated one, or both groups. */
export function partitionNodes(spec: PartitionSpec): string[] {
  return 'isolate' in spec ? [spec.isolate] : [...new Set([...spec.between, ...spec.and])];
}
