import { describe, expect, it } from 'vitest';
import { ProtocolError, ResponseParser, type ParsedResponse } from './response-parser.js';

/** Feeds `text` cut at `cuts`, returning every response completed along the way. */
function parse(text: string, cuts: number[], keepBody = true): ParsedResponse[] {
  const parser = new ResponseParser(keepBody);
  const bytes = Buffer.from(text, 'latin1');
  const out: ParsedResponse[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    const response = parser.feed(bytes.subarray(from, at));
    if (response !== null) out.push(response);
    from = at;
  }
  return out;
}

const everyCut = (text: string) => Array.from({ length: text.length - 1 }, (_, i) => [i + 1]);

const LENGTH = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\ncontent-length: 13\r\nX-Cache: HIT\r\n\r\n{"orderId":7}';
const CHUNKED = 'HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{"erro\r\n0E\r\nr":"sold_out"}\r\n0\r\nX-Trailer: 1\r\n\r\n';

describe('HTTP/1.1 response parser', () => {
  it.each(everyCut(LENGTH))('Content-Length, cut at byte %i', (cut) => {
    expect(parse(LENGTH, [cut])).toEqual([{ status: 201, xCache: 'HIT', body: '{"orderId":7}', close: false }]);
  });

  it.each(everyCut(CHUNKED))('chunked with a trailer, cut at byte %i', (cut) => {
    expect(parse(CHUNKED, [cut])).toEqual([{ status: 409, xCache: undefined, body: '{"error":"sold_out"}', close: false }]);
  });

  it('keeps the error code of X-Error, whatever its case, without reading the body', () => {
    const refused = 'HTTP/1.1 503 Service Unavailable\r\nx-error: overloaded\r\nRetry-After: 1\r\nContent-Length: 2\r\n\r\n{}';
    expect(parse(refused, [], false)).toStrictEqual([{ status: 503, xCache: undefined, xError: 'overloaded', serverTiming: undefined, body: '', close: false }]);
    expect(parse(LENGTH, [])[0]?.xError).toBeUndefined();
  });

  it('joins the Server-Timing values of the app and of nginx, in order', () => {
    const timed = 'HTTP/1.1 200 OK\r\nserver-timing: redis;dur=0.40, app;dur=0.90\r\nContent-Length: 2\r\nServer-Timing: lb-connect;dur=0000, lb-header;dur=0001\r\n\r\n{}';
    expect(parse(timed, [], false)[0]?.serverTiming).toBe('redis;dur=0.40, app;dur=0.90, lb-connect;dur=0000, lb-header;dur=0001');
  });

  it('no body for 204 and 304; Connection: close and HTTP/1.0 are noted', () => {
    expect(parse('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n', [])).toEqual([{ status: 204, xCache: undefined, body: '', close: true }]);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', [])).toEqual([{ status: 200, xCache: undefined, body: 'ok', close: true }]);
  });

  it('a body without length ends when the connection closes', () => {
    const parser = new ResponseParser(true);
    expect(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\npartial '))).toBeNull();
    expect(parser.feed(Buffer.from('body'))).toBeNull();
    expect(parser.end()).toEqual({ status: 200, xCache: undefined, body: 'partial body', close: true });
  });

  it('keeps no body unless asked, and parses the next response on the same connection', () => {
    const parser = new ResponseParser(false);
    expect(parser.feed(Buffer.from(LENGTH, 'latin1'))).toMatchObject({ status: 201, body: '' });
    parser.expect(true);
    expect(parser.feed(Buffer.from(CHUNKED, 'latin1'))).toMatchObject({ status: 409, body: '{"error":"sold_out"}' });
    expect(parser.leftover).toBe(0);
  });

  it('a cut-short response is not an answer', () => {
    const parser = new ResponseParser(true);
    expect(parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'))).toBeNull();
    expect(parser.end()).toBeNull();
  });

  it.each([
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n'],
  ])('refuses %s', (_, text) => {
    expect(() => new ResponseParser().feed(Buffer.from(text))).toThrow(ProtocolError);
  });
});
