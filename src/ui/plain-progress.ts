import type { ProvisionEvent } from '../provision/events.js';
import { writeErr } from './terminal.js';

const seconds = (ms: number | undefined) => (ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)}s`);

/** One formatter per event kind and phase: a plain line per event, for CI logs. */
export function formatEvent(event: ProvisionEvent): string {
  if (event.type === 'step') {
    const verb = { started: 'setting up', done: 'set up', failed: 'failed to set up' }[event.phase];
    return `${verb} ${event.step}${event.phase === 'started' ? '…' : seconds(event.ms)}${event.message ? `: ${event.message}` : ''}`;
  }
  if (event.type === 'pull') {
    switch (event.phase) {
      case 'started':
        return `pulling ${event.image}…`;
      case 'progress':
        return `pulling ${event.image}: ${event.message ?? ''}`;
      case 'done':
        return `pulled ${event.image}${seconds(event.ms)}`;
      case 'failed':
        return `failed to pull ${event.image}${seconds(event.ms)}: ${event.message ?? ''}`;
    }
  }
  const who = event.kind ? `${event.node} (${event.kind})` : event.node;
  switch (event.phase) {
    case 'starting':
      return `${who} starting…`;
    case 'ready':
      return `${who} ready${seconds(event.ms)}`;
    case 'running':
      return `${who} already running`;
    case 'stopping':
      return `${who} stopping…`;
    case 'stopped':
      return `${who} stopped${seconds(event.ms)}`;
    case 'failed':
      return `${who} failed${seconds(event.ms)}: ${event.message ?? ''}`;
  }
}

export function plainProgress(): { listener: (event: ProvisionEvent) => void; close: () => void } {
  return { listener: (event) => writeErr(formatEvent(event)), close: () => {} };
}
