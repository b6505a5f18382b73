/**
 * MariaDB GTID positions (`domain-server-sequence`, one per replication domain, comma-separated)
 * and the one question failover asks of them: what does a node hold past the point where its
 * successor was promoted?
 */
export interface Gtid {
  domain: number;
  server: number;
  seq: number;
}

export function parseGtidPosition(position: string): Map<number, Gtid> {
  const byDomain = new Map<number, Gtid>();
  for (const part of position.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [domain, server, seq] = part.split('-').map(Number);
    if (domain === undefined || server === undefined || seq === undefined || [domain, server, seq].some(Number.isNaN)) throw new Error(`not a GTID position: "${position}"`);
    byDomain.set(domain, { domain, server, seq });
  }
  return byDomain;
}

/** The errant transactions of one domain: `domain-server-first..last`, and how many. */
export interface ErrantRange {
  domain: number;
  server: number;
  first: number;
  last: number;
}

/**
 * What `nodePosition` holds beyond `promotedAt` (the candidate's position when it was promoted),
 * written by the node itself (`nodeServerId`): transactions the new primary never received. A
 * domain the node wrote in that the candidate never saw is errant whole. Transactions the node
 * received from others (another server id) are not the node's to answer for.
 */
export function errantRanges(nodePosition: string, promotedAt: string, nodeServerId: number): ErrantRange[] {
  const promoted = parseGtidPosition(promotedAt);
  const ranges: ErrantRange[] = [];
  for (const gtid of parseGtidPosition(nodePosition).values()) {
    if (gtid.server !== nodeServerId) continue;
    const seen = promoted.get(gtid.domain)?.seq ?? 0;
    if (gtid.seq > seen) ranges.push({ domain: gtid.domain, server: gtid.server, first: seen + 1, last: gtid.seq });
  }
  return ranges;
}

/**
 * Per domain, the furthest of `positions` (by sequence number): the point past which what a node
 * wrote itself is errant, when two things vouch for what it had from others — the promotion that
 * demoted it, and what it applied as a replica since (`gtid_slave_pos`).
 */
export function furthestOf(...positions: string[]): string {
  const furthest = new Map<number, Gtid>();
  for (const position of positions) {
    for (const gtid of parseGtidPosition(position).values()) {
      if ((furthest.get(gtid.domain)?.seq ?? -1) < gtid.seq) furthest.set(gtid.domain, gtid);
    }
  }
  return [...furthest.values()].map((g) => `${g.domain}-${g.server}-${g.seq}`).join(',');
}

export function describeRanges(ranges: readonly ErrantRange[]): string {
  return ranges.map((r) => (r.first === r.last ? `${r.domain}-${r.server}-${r.last}` : `${r.domain}-${r.server}-${r.first}..${r.last}`)).join(',');
}

export function countRanges(ranges: readonly ErrantRange[]): number {
  return ranges.reduce((sum, r) => sum + r.last - r.first + 1, 0);
}
