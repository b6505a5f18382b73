import type { ProvisionListener } from '../provision/events.js';
import { plainProgress } from './plain-progress.js';
import { isInteractive } from './terminal.js';

export interface Progress {
  listener: ProvisionListener;
  close(): Promise<void>;
}

/** ink in a terminal, plain lines otherwise; ink is loaded only when it is drawn. */
export async function startProgress(title: string): Promise<Progress> {
  if (!isInteractive()) {
    const plain = plainProgress();
    return { listener: plain.listener, close: async () => plain.close() };
  }
  const { inkProgress } = await import('./progress-view.js');
  return inkProgress(title);
}
