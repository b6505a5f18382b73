import { render } from 'ink';
import type { ReactElement } from 'react';

/** How a live view receives events: it subscribes once, on mount, and gets any it missed. */
export type Subscribe<E> = (onEvent: (event: E) => void) => void;

export interface LiveView<E> {
  listener: (event: E) => void;
  close(): Promise<void>;
}

/**
 * Draws an ink view on stderr that is fed events from outside React: events sent before the
 * view mounted are queued and replayed, so nothing a command reports early is lost.
 */
export function renderLive<E>(view: (subscribe: Subscribe<E>) => ReactElement): LiveView<E> {
  const pending: E[] = [];
  let deliver: ((event: E) => void) | undefined;
  const subscribe: Subscribe<E> = (onEvent) => {
    deliver = onEvent;
    for (const event of pending.splice(0)) onEvent(event);
  };
  const instance = render(view(subscribe), { stdout: process.stderr, exitOnCtrlC: false, patchConsole: false });
  return {
    listener: (event) => (deliver ? deliver(event) : pending.push(event)),
    close: async () => {
      // Let the last state render before the frame is left on screen.
      await new Promise((r) => setTimeout(r, 50));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
