/**
 * One readiness probe: `check` resolves when the node is ready and throws (NotReady or any
 * error) with the reason when it is not. `Wait` (wait.ts) builds them; `retryUntil` polls them.
 */
export interface WaitStrategy {
  /** What is awaited, as a user reads it: "redis-replica: master_link_status up". */
  readonly description: string;
  check(): Promise<void>;
}
