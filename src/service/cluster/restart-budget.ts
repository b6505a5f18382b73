/**
 * How often a node's primary may re-fork a worker that died: at most `limit` restarts within
 * `windowMs`. A worker killed now and then is replaced; one that dies as soon as it starts (a
 * crash loop: a bad config, a port taken) uses the budget up in seconds, and the node stops so
 * that `status` and `up`'s readiness see it down instead of a primary forking forever.
 */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records a restart at `now` and says whether it is allowed. */
  allow(now: number): boolean {
    while (this.restarts.length > 0 && (this.restarts[0] ?? now) <= now - this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.limit) return false;
    this.restarts.push(now);
    return true;
  }
}
