/** The invariants of DESIGN.md section 6, by id. */
export const INVARIANTS = {
  I1: 'conservation: stock + sold = initial stock, stock ≥ 0',
  I2: 'no lost order: every acknowledged order is on the primary',
  I3: 'no phantom or double order',
  I4: 'no sale after a definite failure',
  I5: 'cache agrees with the database',
  I6: 'replica agrees with the primary',
} as const;

export type InvariantId = keyof typeof INVARIANTS;

/** Lists of evidence stop here; the count says how many there were in all. */
export const MAX_EXAMPLES = 20;

export interface InvariantResult {
  id: InvariantId;
  name: string;
  ok: boolean;
  /** What was checked, with its numbers. */
  checked: string;
  /** How many violations in all. */
  violations: number;
  /** The first MAX_EXAMPLES of them: product ids, keys and the numbers that prove it. */
  examples: Record<string, unknown>[];
  /** Set when the check could not be made (a query failed, the replica never caught up): not ok, but no violation either. */
  unchecked?: string;
}

/** A check that could not be made: it neither passes nor proves a violation (exit 3 unless another invariant fails). */
export function uncheckedResult(id: InvariantId, reason: string): InvariantResult {
  return { id, name: INVARIANTS[id], ok: false, checked: `not checked: ${reason}`, violations: 0, examples: [], unchecked: reason };
}

/** Runs one check; an error in it is reported as that invariant unchecked, and the others still run. */
export async function guarded(id: InvariantId, check: () => Promise<InvariantResult> | InvariantResult): Promise<InvariantResult> {
  try {
    return await check();
  } catch (error) {
    return uncheckedResult(id, error instanceof Error ? error.message : String(error));
  }
}

export function invariantResult(id: InvariantId, checked: string, violations: Record<string, unknown>[]): InvariantResult {
  return { id, name: INVARIANTS[id], ok: violations.length === 0, checked, violations: violations.length, examples: violations.slice(0, MAX_EXAMPLES) };
}
