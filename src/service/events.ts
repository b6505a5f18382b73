import type { Redis } from 'ioredis';
import type { Metrics } from './metrics.js';
import { keepConnected } from './redis-reconnect.js';

export const ORDER_CREATED = 'order.created';

export interface OrderCreated {
  orderId: number;
  productId: number;
  quantity: number;
  stock: number;
  version: number;
  node: string;
}

/**
 * order.created over Redis Pub/Sub: fire and forget, at most once (DESIGN section 1). Every app
 * subscribes and counts what it receives, so lost events show as published − received.
 */
export class OrderEvents {
  private readonly subscriber: Redis;
  private readonly stopReconnecting: () => void;

  private readonly listeners: ((event: OrderCreated) => void)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly metrics: Metrics,
  ) {
    // Queue the SUBSCRIBE until connected; ioredis subscribes again after every reconnect, with
    // Sentinels to the master they name then (test/sentinel.test.ts checks it across a failover).
    this.subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => {
      // Reconnects by itself; missed events are the design's known weakness.
    });
    // Also when ioredis ends it during a Sentinel failover (redis-reconnect.ts).
    this.stopReconnecting = keepConnected(this.subscriber);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== ORDER_CREATED) return;
      this.metrics.eventsReceived.inc();
      const event = parseEvent(message);
      if (event !== undefined) for (const listener of this.listeners) listener(event);
    });
    void this.subscriber.subscribe(ORDER_CREATED).catch(() => undefined);
  }

  onOrderCreated(listener: (event: OrderCreated) => void): void {
    this.listeners.push(listener);
  }

  publish(event: OrderCreated): void {
    this.redis.publish(ORDER_CREATED, JSON.stringify(event)).then(
      () => this.metrics.eventsPublished.inc(),
      () => this.metrics.eventsPublishFailures.inc(),
    );
  }

  close(): void {
    this.stopReconnecting();
    this.subscriber.disconnect();
  }
}

function parseEvent(message: string): OrderCreated | undefined {
  try {
    const event = JSON.parse(message) as Partial<OrderCreated>;
    return typeof event.productId === 'number' && typeof event.stock === 'number' && typeof event.version === 'number' ? (event as OrderCreated) : undefined;
  } catch {
    return undefined;
  }
}
