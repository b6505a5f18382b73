/**
 * Like Promise.all, but waits for every branch before failing: a rollback must not race a
 * sibling that is still starting a process or running a task.
 */
export async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}
