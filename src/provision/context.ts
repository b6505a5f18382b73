import type { Runtime } from './runtime/runtime.js';
import type { RenderContext } from './render-context.js';

/** What `up` needs beyond rendering: the runtime that starts nodes and runs their one-off tasks. */
export interface ProvisionContext extends RenderContext {
  readonly runtime: Runtime;
  /** Fires when the user interrupts: long waits and tasks stop at once. */
  readonly signal?: AbortSignal;
}
