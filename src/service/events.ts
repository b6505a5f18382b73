import type { Redis } from 'ioredis';
import type { Metrics } from './metrics.js';

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

  constructor(
    private readonly redis: Redis,
    private readonly metrics: Metrics,
  ) {
    // Queue the SUBSCRIBE until connected; ioredis subscribes again after every reconnect.
    this.subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => {
      // Reconnects by itself; missed events are the design's known weakness.
    });
    this.subscriber.on('message', (channel: string) => {
      if (channel === ORDER_CREATED) this.metrics.eventsReceived.inc();
    });
    void this.subscriber.subscribe(ORDER_CREATED).catch(() => undefined);
  }

  publish(event: OrderCreated): void {
    this.redis.publish(ORDER_CREATED, JSON.stringify(event)).then(
      () => this.metrics.eventsPublished.inc(),
      () => this.metrics.eventsPublishFailures.inc(),
    );
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
