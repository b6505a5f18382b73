import type { IncomingMessage } from 'node:http';
import { ServiceError } from './errors.js';

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The request body as JSON: only `application/json`, at most MAX_BODY_BYTES (checked on the
 * declared length first, then while reading, so a lying client cannot make us buffer more).
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ServiceError('unsupported_media_type', `expected Content-Type: application/json, got ${type ? `"${type.slice(0, 60)}"` : 'none'}`);
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ServiceError('malformed_json', `the body is not valid JSON: ${(error as Error).message.slice(0, 100)}`);
  }
}

function tooLarge(): ServiceError {
  return new ServiceError('payload_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`);
}
