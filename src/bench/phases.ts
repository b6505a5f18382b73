import type { LoadProgress } from './engine.js';
import type { ResourceSample } from './measurement.js';

export type BenchPhase = 'calibrate' | 'scenario';

/** What a bench tells its live view; the dashboard and the plain renderer both take these. */
export type BenchEvent =
  | { kind: 'phase'; phase: BenchPhase; description: string }
  | { kind: 'progress'; phase: BenchPhase; progress: LoadProgress; resources: Record<string, ResourceSample | undefined> }
  | { kind: 'phase-done'; phase: BenchPhase; summary: string };

export type BenchListener = (event: BenchEvent) => void;
