/**
 * What a fault run did, as the bench hands it to the report: one entry per fault, in the order
 * they began. Times are milliseconds since the load started (warm-up included), the clock of the
 * report's per-second series.
 */
export const FAULT_ACTIONS = ['kill', 'pause', 'restart', 'partition'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface TimelineEntry {
  /** 1, 2, … in the order the faults began. */
  id: number;
  action: FaultAction;
  /** What it was done to, in words: `redis-master`, `app1 | rest`, `app1,app2 -> mysql-primary`. */
  target: string;
  /** Every node the fault touched. */
  nodes: string[];
  startedAtMs: number;
  /** When shopctl began to undo it (resume, heal, start again); null when it never did. */
  healAtMs: number | null;
  /** When the undo finished (a restarted node answers its readiness probe); null when it never did. */
  healedAtMs: number | null;
  /** Why the fault or its heal failed; null when both worked. */
  error: string | null;
}
