/**
 * Every bounded wait of a request inside the app, in one place, so the timeouts stay ordered
 * from the client inwards (issue #12): client (the bench's `--timeout`, 10 s by default) >
 * load balancer (nginx's proxy_read_timeout, `LB_READ_TIMEOUT_MS`) > the app's longest answer
 * (`APP_LONGEST_ANSWER_MS`) > each database wait. A wait that runs out is answered by the app
 * (503 busy or unavailable) before nginx gives up on it, and nginx answers before the client
 * gives up. The order holds for a purchase's waits on the lock or group, the pool and the
 * transaction; Redis commands (`redisCommandMs` each, milliseconds in practice) and the replay's
 * lookup of an earlier order come on top, so in the worst case an answer can still arrive after
 * nginx's wait: the client then gets 504 upstream_timeout, an unknown outcome, never a wrong one.
 */
export const WAITS = {
  /** One Redis command (ioredis `commandTimeout`), then the command fails: Redis is taken for down. */
  redisCommandMs: 2000,
  /** Seed strategy: the longest wait for a product's Redis lock, then 503 busy (nothing ran). */
  lockWaitMs: 1500,
  /** Batched strategy: the longest wait for a purchase's group to start, then 503 busy (nothing ran). */
  batchWaitMs: 1500,
  /** The longest wait for a free database connection, then 503 busy (nothing ran). */
  poolWaitMs: 1500,
  /**
   * InnoDB's wait for a row lock (`innodb_lock_wait_timeout`, whole seconds), set by the app on
   * each of its connections. It must end before `databaseUseMs`: a statement that gives up on a
   * lock is rolled back and answered 503 busy (definite), while a use cut off by its deadline is
   * 503 unavailable with an unknown outcome. The server's own 5 s (mysql-config.ts) is for
   * everyone else.
   */
  rowLockWaitS: 2,
  /**
   * The longest one use of a database connection (a transaction, a query) may take: a guard
   * against a stalled server, not a load limit (a purchase's transaction takes milliseconds).
   * Past it the connection is destroyed and the answer is 503 unavailable with an unknown outcome.
   */
  databaseUseMs: 3000,
} as const;

/**
 * The longest a purchase can take before the app answers: its one waiting step before the
 * database (the lock or the group, whichever its strategy has), the pool, the transaction.
 */
export const APP_LONGEST_ANSWER_MS = Math.max(WAITS.lockWaitMs, WAITS.batchWaitMs) + WAITS.poolWaitMs + WAITS.databaseUseMs;

/**
 * nginx waits this long for an app's answer: short of the client's 10 s, and as long as a
 * purchase may wait before the app starts on it (`PURCHASE_QUEUE_BUDGET_MS`), the app's longest
 * answer and a margin for what that leaves out (`ANSWER_MARGIN_MS`).
 */
export const LB_READ_TIMEOUT_MS = 9000;

/**
 * What an answer may take beyond the app's own bounded waits: its Redis commands (the seed lock's
 * last try, the stock check, the cache update, the release: sub-millisecond in practice, 2 s
 * each at worst) and a busy event loop's delay between the steps.
 */
export const ANSWER_MARGIN_MS = 1000;

/**
 * A purchase that waited longer than this before the app started on it (nginx's connect, the
 * app's accept queue, its work queue: service/queue-age.ts) is refused with 503 overloaded: its
 * longest answer would come after nginx gave up, and the client would learn nothing of an order
 * that may have been made. Refused, it is a definite failure instead of an unknown.
 *
 * 2 s, because the app's own waits are short (1.5 s for the lock or group, 1.5 s for the pool,
 * 3 s for the transaction): with 6000 closed-model connections a purchase-bound system queues its
 * purchases for about connections ÷ purchases per second, and a queue that may hold them a second
 * or two is answered; 1 s (with the 2 s and 4 s waits of before) refused most of them.
 */
export const PURCHASE_QUEUE_BUDGET_MS = LB_READ_TIMEOUT_MS - APP_LONGEST_ANSWER_MS - ANSWER_MARGIN_MS;

/**
 * A view that waited this long before the app started on it is refused with 503 overloaded
 * without reading anything: nginx has given up on it, and its answer would go nowhere. Work
 * spent on such requests is what keeps an overloaded app overloaded.
 */
export const VIEW_QUEUE_BUDGET_MS = LB_READ_TIMEOUT_MS;

/**
 * How long the seed strategy's lock lives, should its holder die: past its longest hold (the
 * cached-stock check, the pool wait, the transaction, the cached-stock update). A holder slower
 * still loses the lock to the next buyer; the row's version check keeps that safe.
 */
export const LOCK_TTL_MS = WAITS.redisCommandMs + WAITS.poolWaitMs + WAITS.databaseUseMs + WAITS.redisCommandMs + 1000;
