import type { ServerResponse } from 'node:http';
import { ServiceError } from './errors.js';

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** Writes an answer already serialized as JSON. */
export function sendJsonBytes(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, ...headers });
  res.end(body);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    // Too late for an error answer: cut the connection so the client sees a failure.
    res.destroy();
    return;
  }
  const known = error instanceof ServiceError ? error : new ServiceError('internal', 'internal error');
  // X-Error repeats the body's code so a client (the bench) can tell `overloaded` from `busy`
  // without reading the body; nginx's own error pages send it too (nginx-config.ts).
  const headers: Record<string, string> = { 'x-error': known.code };
  if (known.retryAfterSeconds !== undefined) headers['retry-after'] = String(known.retryAfterSeconds);
  sendJson(res, known.status, { error: known.code, message: known.message }, headers);
}
