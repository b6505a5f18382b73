/**
 * The arrival schedule of the open model: send n is due at `firstAt + n · intervalMs`, computed
 * from n and never accumulated, so late wake-ups cannot make the schedule drift (k6's
 * constant-arrival-rate does the same). Sends at or after `endAt` are not scheduled.
 */
export class OpenSchedule {
  private n = 0;

  constructor(
    private readonly firstAt: number,
    private readonly intervalMs: number,
    private readonly endAt: number,
  ) {}

  /** The intended times of every send due by `now`, in order; each is returned once. */
  takeDue(now: number): number[] {
    const due: number[] = [];
    for (let at = this.at(this.n); at <= now && at < this.endAt; at = this.at(this.n)) {
      due.push(at);
      this.n += 1;
    }
    return due;
  }

  /** When the next send is due, or undefined when the schedule is over. */
  nextAt(): number | undefined {
    const at = this.at(this.n);
    return at < this.endAt ? at : undefined;
  }

  get scheduled(): number {
    return this.n;
  }

  private at(n: number): number {
    return this.firstAt + n * this.intervalMs;
  }
}
