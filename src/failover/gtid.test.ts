import { describe, expect, it } from 'vitest';
import { countRanges, describeRanges, errantRanges, furthestOf, parseGtidPosition } from './gtid.js';

describe('GTID positions', () => {
  it('parses one GTID per domain', () => {
    expect([...parseGtidPosition('0-1-100,1-2-5').values()]).toEqual([
      { domain: 0, server: 1, seq: 100 },
      { domain: 1, server: 2, seq: 5 },
    ]);
    expect(parseGtidPosition('').size).toBe(0);
    expect(() => parseGtidPosition('0-1')).toThrow(/not a GTID position/);
  });

  it('finds what the old primary wrote past the promotion point', () => {
    const ranges = errantRanges('0-1-1500', '0-1-1480', 1);
    expect(describeRanges(ranges)).toBe('0-1-1481..1500');
    expect(countRanges(ranges)).toBe(20);
  });

  it('finds nothing when the candidate had everything, or the GTIDs are another server\'s', () => {
    expect(errantRanges('0-1-1480', '0-1-1480', 1)).toEqual([]);
    expect(errantRanges('0-2-1600', '0-1-1480', 1)).toEqual([]);
  });

  it('counts a domain the candidate never saw as errant whole', () => {
    expect(describeRanges(errantRanges('0-1-10,7-1-3', '0-1-10', 1))).toBe('7-1-1..3');
  });

  it('takes, per domain, the furthest of the promotion point and what the node applied since', () => {
    expect(furthestOf('0-1-1480', '0-2-1600,1-2-4')).toBe('0-2-1600,1-2-4');
    expect(furthestOf('0-2-1600', '0-1-1480')).toBe('0-2-1600');
    expect(furthestOf('', '')).toBe('');
    // A demoted primary that replicated up to 0-2-1600, then was written to by hand: one errant transaction, not 121.
    expect(describeRanges(errantRanges('0-1-1601', furthestOf('0-1-1480', '0-2-1600'), 1))).toBe('0-1-1601');
    // A replica never promoted nor demoted, written to by hand.
    expect(describeRanges(errantRanges('0-2-9', furthestOf('', '0-1-8'), 2))).toBe('0-2-9');
  });
});
