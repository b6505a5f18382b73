import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { BenchEvent, BenchPhase } from '../bench/phases.js';
import { formatCpu, formatErrors, formatFaultEvent, formatLatencies } from './bench-lines.js';
import { renderLive, type Subscribe as LiveSubscribe } from './live-ink.js';

type Progress = Extract<BenchEvent, { kind: 'progress' }>;
type Subscribe = LiveSubscribe<BenchEvent>;

interface State {
  phases: { phase: BenchPhase; description: string; summary?: string }[];
  progress?: Progress;
  /** The latest line of each fault of the schedule. */
  faults: Map<number, string>;
}

function Dashboard({ subscribe }: { subscribe: Subscribe }) {
  const [state, setState] = useState<State>({ phases: [], faults: new Map() });
  useEffect(() => subscribe((event) => setState((current) => apply(current, event))), [subscribe]);
  const p = state.progress?.progress;
  return (
    <Box flexDirection="column">
      {state.phases.map((ph) => (
        <Text key={ph.phase} color={ph.summary ? 'green' : 'yellow'}>
          {ph.summary ? '✓' : '…'} {ph.description}
          {ph.summary ? ` — ${ph.summary}` : ''}
        </Text>
      ))}
      {p !== undefined && state.progress !== undefined ? (
        <Box flexDirection="column" borderStyle="round" paddingX={1}>
          <Text>
            <Text bold>{state.progress.phase}</Text> {p.elapsedS.toFixed(0)}/{p.totalS.toFixed(0)}s{p.warmup ? <Text color="yellow"> warm-up</Text> : null}
            {'   '}
            <Text bold>{p.rps}</Text> req/s{'   '}connections {p.connected}
          </Text>
          <Text>latency p50/p99 ms: {formatLatencies(p) || '—'}</Text>
          <Text color={Object.values(p.tally.errors).some((n) => (n ?? 0) > 0) ? 'red' : undefined}>{formatErrors(p)}</Text>
          <Text>
            purchases {p.tally.purchases.attempted} · acknowledged {p.tally.purchases.acknowledged} · units sold {p.tally.purchases.unitsSold} · unknown {p.tally.purchases.unknown}
          </Text>
          <Text dimColor>cpu {formatCpu(state.progress.resources)}</Text>
          {[...state.faults.values()].map((line) => (
            <Text key={line} color="magenta">
              {line}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

function apply(state: State, event: BenchEvent): State {
  switch (event.kind) {
    case 'phase':
      return { ...state, phases: [...state.phases, { phase: event.phase, description: event.description }] };
    case 'phase-done':
      return { ...state, phases: state.phases.map((ph) => (ph.phase === event.phase ? { ...ph, summary: event.summary } : ph)) };
    case 'progress':
      return { ...state, progress: event };
    case 'fault':
      return { ...state, faults: new Map(state.faults).set(event.entry.id, formatFaultEvent(event)) };
  }
}

/** The live bench dashboard on stderr: elapsed, rps, per-class p50/p99, errors, sold units, CPU per node. */
export function inkBenchDashboard(): { listener: (event: BenchEvent) => void; close: () => Promise<void> } {
  return renderLive<BenchEvent>((subscribe) => <Dashboard subscribe={subscribe} />);
}
