import type { TimelineEntry } from '../faults/timeline.js';
import type { LoadProgress } from './engine.js';
import type { ResourceSample } from './measurement.js';

export type BenchPhase = 'calibrate' | 'scenario';

/** What a bench tells its live view; the dashboard and the plain renderer both take these. */
export type BenchEvent =
  | { kind: 'phase'; phase: BenchPhase; description: string }
  | { kind: 'progress'; phase: BenchPhase; progress: LoadProgress; resources: Record<string, ResourceSample | undefined> }
  | { kind: 'phase-done'; phase: BenchPhase; summary: string }
  /** A fault of the schedule began, was undone, or failed (faults/schedule-driver.ts). */
  | { kind: 'fault'; entry: TimelineEntry; phase: 'started' | 'healed' | 'failed' };

export type BenchListener = (event: BenchEvent) => void;
