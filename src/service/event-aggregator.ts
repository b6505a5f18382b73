/** What a line of aggregated repeats says besides its kind's payload. */
export interface RepeatCount {
  /** Occurrences this line stands for: 1 for the first of a burst, then those since the last line. */
  count: number;
  /** When the first of them happened (epoch ms); the line's own time is when it was written. */
  since: number;
}

interface Window<T> {
  /** The payload of the first occurrence not yet written, or of the last written one. */
  payload: T;
  pending: number;
  since: number;
  timer: NodeJS.Timeout;
}

/**
 * At most one line per kind of event per window. Under overload a process may refuse thousands
 * of requests a second; a line for each would bury everything else in the log (and cost the
 * time the refusals were meant to save). The first occurrence of a kind is written at once, so
 * the timeline shows when a burst began; repeats are counted and written as one line at the end
 * of each window while they go on. A kind quiet for a whole window is forgotten: the next
 * occurrence is written at once again.
 */
export class EventAggregator<T> {
  private readonly windows = new Map<string, Window<T>>();

  constructor(
    private readonly emit: (payload: T, repeats: RepeatCount) => void,
    private readonly windowMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** One occurrence of kind `key`; `payload` describes it (the line keeps the first's). */
  record(key: string, payload: T): void {
    const open = this.windows.get(key);
    if (open === undefined) {
      const at = this.now();
      this.emit(payload, { count: 1, since: at });
      this.windows.set(key, { payload, pending: 0, since: at, timer: this.schedule(key) });
      return;
    }
    if (open.pending === 0) {
      open.payload = payload;
      open.since = this.now();
    }
    open.pending++;
  }

  /** Writes what is counted and not yet written (the process is stopping), and forgets every kind. */
  flush(): void {
    for (const [key, open] of this.windows) {
      clearTimeout(open.timer);
      if (open.pending > 0) this.emit(open.payload, { count: open.pending, since: open.since });
      this.windows.delete(key);
    }
  }

  private schedule(key: string): NodeJS.Timeout {
    // Unref'd: a window still open must not keep a stopping process alive.
    return setTimeout(() => this.closeWindow(key), this.windowMs).unref();
  }

  private closeWindow(key: string): void {
    const open = this.windows.get(key);
    if (open === undefined) return;
    if (open.pending === 0) {
      this.windows.delete(key);
      return;
    }
    this.emit(open.payload, { count: open.pending, since: open.since });
    open.pending = 0;
    open.timer = this.schedule(key);
  }
}
