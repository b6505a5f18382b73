import { HttpConnection, type ConnectionEvents } from './http1/connection.js';
import type { ParsedResponse } from './http1/response-parser.js';
import type { BenchRequest } from './workload.js';

export type Answer = ParsedResponse;

export interface ClientOptions {
  timeoutMs: number;
  /** Purchase strategy asked of the service, or undefined for the topology's own. */
  strategy: string | undefined;
}

/**
 * The generator's HTTP client: one keep-alive connection per slot, requests written as
 * ready-made text and answers parsed only as far as the bench needs (http1/). Measured against
 * undici's Client.dispatch and autocannon at 6000 connections through nginx on 2 shared cores,
 * it carried 0.96× wrk's requests/s where those carried 0.64–0.80× (README, "Measured").
 */
export function openConnection(origin: string, options: ClientOptions, events: ConnectionEvents): HttpConnection {
  const url = new URL(origin);
  return new HttpConnection(url.hostname, Number(url.port || 80), options.timeoutMs, events);
}

type Done = (error: Error | null, answer: Answer | null) => void;

export function send(connection: HttpConnection, host: string, request: BenchRequest, options: ClientOptions, done: Done): void {
  connection.request(requestText(host, request, options), request.kind === 'purchase', done);
}

/** The request as bytes on the wire; every value in it is ASCII, so its length is its byte count. */
export function requestText(host: string, request: BenchRequest, options: ClientOptions): string {
  switch (request.kind) {
    case 'healthz':
      return `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    case 'view':
      return `GET /products/${request.productId} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;
    case 'purchase': {
      const body = `{"productId":${request.productId},"quantity":${request.quantity},"userId":"bench-${request.key}"}`;
      const strategy = options.strategy === undefined ? '' : `X-Purchase-Strategy: ${options.strategy}\r\n`;
      return `POST /orders HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nIdempotency-Key: ${request.key}\r\n${strategy}Content-Length: ${body.length}\r\n\r\n${body}`;
    }
  }
}
