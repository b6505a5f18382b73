import { InterruptedError } from '../errors.js';

/**
 * Turns Ctrl-C and SIGTERM into an AbortSignal for the duration of a command, so the command
 * stops waiting, undoes its work and exits through the normal error path. Further signals
 * while it cleans up are ignored rather than killing it half-way.
 */
export class Interrupt {
  private readonly controller = new AbortController();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.controller.signal.aborted) {
      process.stderr.write('shopctl: still cleaning up, please wait\n');
      return;
    }
    this.controller.abort(new InterruptedError(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'));
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}
