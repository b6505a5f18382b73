import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { NodePhase, ProvisionEvent } from '../provision/events.js';
import { renderLive, type Subscribe as LiveSubscribe } from './live-ink.js';

interface Row {
  name: string;
  kind: string;
  phase: NodePhase | 'started' | 'done';
  ms?: number;
  message?: string;
  since: number;
}

const SYMBOL: Record<Row['phase'], { text: string; color: string }> = {
  starting: { text: '…', color: 'yellow' },
  started: { text: '…', color: 'yellow' },
  stopping: { text: '…', color: 'yellow' },
  ready: { text: '✓', color: 'green' },
  done: { text: '✓', color: 'green' },
  running: { text: '●', color: 'green' },
  stopped: { text: '■', color: 'gray' },
  failed: { text: '✗', color: 'red' },
};

type Subscribe = LiveSubscribe<ProvisionEvent>;

function ProgressView({ title, subscribe }: { title: string; subscribe: Subscribe }) {
  const [rows, setRows] = useState<Row[]>([]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    subscribe((event) => setRows((current) => applyEvent(current, event)));
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [subscribe]);
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {rows.map((row) => (
        <Box key={row.name} gap={1}>
          <Text color={SYMBOL[row.phase].color}>{SYMBOL[row.phase].text}</Text>
          <Box width={16}>
            <Text>{row.name}</Text>
          </Box>
          <Box width={7}>
            <Text dimColor>{row.kind}</Text>
          </Box>
          <Box width={10}>
            <Text>{row.phase}</Text>
          </Box>
          <Text dimColor>{((row.ms ?? now - row.since) / 1000).toFixed(1)}s</Text>
          {row.message ? <Text color={row.phase === 'failed' ? 'red' : undefined}>{row.message}</Text> : null}
        </Box>
      ))}
    </Box>
  );
}

function applyEvent(rows: Row[], event: ProvisionEvent): Row[] {
  const name = event.type === 'node' ? event.node : event.type === 'step' ? event.step : event.image;
  const kind = event.type === 'node' ? event.kind : event.type;
  // A pull's progress keeps its row running, with how far it got as the message.
  const phase = event.phase === 'progress' ? 'started' : event.phase;
  const settled = !['starting', 'stopping', 'started'].includes(phase);
  const existing = rows.find((r) => r.name === name);
  const row: Row = {
    name,
    kind: kind || existing?.kind || '',
    phase,
    since: existing?.since ?? Date.now(),
    ...(settled && event.ms !== undefined ? { ms: event.ms } : {}),
    ...(event.message === undefined ? {} : { message: event.message }),
  };
  return existing ? rows.map((r) => (r.name === name ? row : r)) : [...rows, row];
}

/** A live ink view of provisioning on stderr: one line per node, starting → ready, with times. */
export function inkProgress(title: string): { listener: (event: ProvisionEvent) => void; close: () => Promise<void> } {
  return renderLive<ProvisionEvent>((subscribe) => <ProgressView title={title} subscribe={subscribe} />);
}
