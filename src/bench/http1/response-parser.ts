/** One parsed response: what the bench needs of it. */
export interface ParsedResponse {
  status: number;
  xCache: string | undefined;
  /** `X-Error`: the error code of an error answer (the service's and nginx's). */
  xError: string | undefined;
  /** Every `Server-Timing` value (the app's and nginx's), joined with commas. */
  serverTiming: string | undefined;
  /** The body, when the parser was asked to keep bodies (purchases), else ''. */
  body: string;
  /** The server will close the connection after this response (`Connection: close`, or no length). */
  close: boolean;
}

export class ProtocolError extends Error {
  readonly code = 'SHOPCTL_BAD_RESPONSE';
}

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailers'; remaining: number } | { kind: 'until-close' };

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * An incremental HTTP/1.1 response parser for one connection: feed it bytes as they arrive,
 * get whole responses back. Framing follows RFC 9112 §6.3: no body for 1xx/204/304, chunked,
 * Content-Length, or until the connection closes. It keeps only the status, X-Cache, X-Error, Server-Timing and, when
 * asked, the body: the generator's cost per answer must stay far below the server's.
 */
export class ResponseParser {
  private buffer: Buffer | null = null;
  private head: Omit<ParsedResponse, 'body'> | null = null;
  private mode: BodyMode | null = null;
  private chunks: Buffer[] = [];

  constructor(private keepBody = false) {}

  /** Starts a new response (after the previous one completed), keeping its body or not. */
  expect(keepBody: boolean): void {
    this.keepBody = keepBody;
  }

  /** Parses what it can; returns the completed response, or null when more bytes are needed. */
  feed(chunk: Buffer): ParsedResponse | null {
    this.buffer = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.head === null && !this.parseHead()) return null;
    return this.parseBody();
  }

  /** The connection closed: a body read until close is complete; anything else was cut short. */
  end(): ParsedResponse | null {
    if (this.head !== null && this.mode?.kind === 'until-close') return this.finish();
    return null;
  }

  /** Forgets a response cut short (its connection closed): the next connection starts clean. */
  reset(): void {
    this.buffer = null;
    this.head = null;
    this.mode = null;
    this.chunks = [];
  }

  /** Bytes left over after a complete response (a well-behaved server sends none). */
  get leftover(): number {
    return this.buffer?.length ?? 0;
  }

  private parseHead(): boolean {
    const buffer = this.buffer as Buffer;
    const end = buffer.indexOf(HEADER_END);
    if (end < 0) {
      if (buffer.length > MAX_HEADER_BYTES) throw new ProtocolError('response headers larger than 64 KiB');
      return false;
    }
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (status === null) throw new ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    let length: number | undefined;
    let chunked = false;
    let close = lines[0]?.startsWith('HTTP/1.0') ?? false;
    let xCache: string | undefined;
    let xError: string | undefined;
    let serverTiming: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().endsWith('chunked');
      else if (name === 'connection') close = value.toLowerCase() === 'close';
      else if (name === 'x-cache') xCache = value;
      else if (name === 'x-error') xError = value;
      else if (name === 'server-timing') serverTiming = serverTiming === undefined ? value : `${serverTiming}, ${value}`;
    }
    const code = Number(status[1]);
    this.buffer = buffer.subarray(end + HEADER_END.length);
    this.mode = bodyMode(code, chunked, length);
    this.head = { status: code, xCache, xError, serverTiming, close: close || this.mode.kind === 'until-close' };
    return true;
  }

  private parseBody(): ParsedResponse | null {
    const mode = this.mode as BodyMode;
    if (mode.kind === 'length') {
      const take = Math.min(mode.remaining, this.buffer?.length ?? 0);
      this.consume(take, true);
      mode.remaining -= take;
      return mode.remaining === 0 ? this.finish() : null;
    }
    if (mode.kind === 'until-close') {
      this.consume(this.buffer?.length ?? 0, true);
      return null;
    }
    return this.parseChunked(mode);
  }

  private parseChunked(mode: Extract<BodyMode, { kind: 'chunked' }>): ParsedResponse | null {
    for (;;) {
      const buffer = this.buffer;
      if (buffer === null || buffer.length === 0) return null;
      if (mode.state === 'data') {
        const take = Math.min(mode.remaining, buffer.length);
        this.consume(take, true);
        mode.remaining -= take;
        if (mode.remaining === 0) mode.state = 'data-end';
        continue;
      }
      const eol = buffer.indexOf(CRLF);
      if (eol < 0) return null;
      const line = buffer.toString('latin1', 0, eol);
      this.consume(eol + CRLF.length, false);
      if (mode.state === 'data-end') {
        mode.state = 'size';
      } else if (mode.state === 'size') {
        const size = Number.parseInt(line, 16);
        if (!Number.isFinite(size) || size < 0) throw new ProtocolError(`bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
        if (size === 0) mode.state = 'trailers';
        else Object.assign(mode, { state: 'data', remaining: size });
      } else if (line === '') {
        return this.finish(); // the empty line after the (usually absent) trailers
      }
    }
  }

  private consume(bytes: number, isBody: boolean): void {
    const buffer = this.buffer as Buffer;
    if (isBody && this.keepBody && bytes > 0) this.chunks.push(buffer.subarray(0, bytes));
    this.buffer = bytes >= buffer.length ? null : buffer.subarray(bytes);
  }

  private finish(): ParsedResponse {
    const head = this.head as Omit<ParsedResponse, 'body'>;
    const body = this.chunks.length === 0 ? '' : Buffer.concat(this.chunks).toString('utf8');
    this.head = null;
    this.mode = null;
    this.chunks = [];
    return { ...head, body };
  }
}

function bodyMode(status: number, chunked: boolean, length: number | undefined): BodyMode {
  if (status < 200 || status === 204 || status === 304) return { kind: 'length', remaining: 0 };
  if (chunked) return { kind: 'chunked', state: 'size', remaining: 0 };
  if (length !== undefined) {
    if (!Number.isSafeInteger(length) || length < 0) throw new ProtocolError(`bad Content-Length ${length}`);
    return { kind: 'length', remaining: length };
  }
  return { kind: 'until-close' };
}
