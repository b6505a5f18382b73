import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * One `/metrics` for an app node of several processes (DESIGN.md section 8): a request landing
 * on any worker answers the whole node, counters and histogram buckets summed across its
 * processes, so the bench's server figures read node totals from any one scrape. The worker asks
 * the primary over the cluster's IPC channel; the primary gathers every worker's registry with
 * prom-client's AggregatorRegistry (which sums by metric name and labels, `_bucket`, `_sum` and
 * `_count` apart) and answers the asking worker.
 */
export type MetricsView = Pick<Registry, 'contentType' | 'metrics'>;

const ASK = 'shopctl:node-metrics?';
const ANSWER = 'shopctl:node-metrics';
/** Longer than prom-client's own 5 s wait for the workers, so its error is the one reported. */
const ANSWER_TIMEOUT_MS = 6_000;

interface Ask {
  type: typeof ASK;
  id: number;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/** Primary: answers every worker's question with the node's sum. */
export function answerNodeMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<Ask>(message, ASK)) return;
    const reply = (answer: Omit<Answer, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: ANSWER, id: message.id, ...answer } satisfies Answer);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** Worker: hands `local` to the primary's gathering, and returns the view that asks for the node's sum. */
export function nodeMetricsView(local: Registry): MetricsView {
  AggregatorRegistry.setRegistries([local]);
  // Constructing one adds prom-client's listener that answers the primary's gathering.
  new AggregatorRegistry();
  const waiting = new Map<number, (answer: Answer) => void>();
  let next = 0;
  process.on('message', (message: unknown) => {
    if (isMessage<Answer>(message, ANSWER)) waiting.get(message.id)?.(message);
  });
  return {
    contentType: local.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => settle({ type: ANSWER, id, error: 'the node primary did not answer' }), ANSWER_TIMEOUT_MS);
        const settle = (answer: Answer) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (answer.text !== undefined) resolve(answer.text);
          else reject(new Error(`node metrics: ${answer.error ?? 'no answer'}`));
        };
        waiting.set(id, settle);
        process.send?.({ type: ASK, id } satisfies Ask);
      }),
  };
}
