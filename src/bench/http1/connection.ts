import { connect, type Socket } from 'node:net';
import { ResponseParser, type ParsedResponse } from './response-parser.js';

export type Done = (error: Error | null, response: ParsedResponse | null) => void;

/** Counts a connection reports, for the self-check (every connection really open?). */
export interface ConnectionEvents {
  connected(): void;
  closed(): void;
  connectFailed(): void;
}

/** A failure with a code the classifier knows (see classify.ts). */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One keep-alive HTTP/1.1 connection, one request at a time (the closed model's user, or one
 * slot of the open model's pool). Opened on first use and again after the server closed it.
 * The socket's idle timeout bounds each request: no answer byte for `timeoutMs` fails it.
 */
export class HttpConnection {
  private socket: Socket | undefined;
  private connected = false;
  private pending: { bytes: string; done: Done } | undefined;
  private readonly parser = new ResponseParser();
  private destroyed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly events: ConnectionEvents,
  ) {}

  request(bytes: string, keepBody: boolean, done: Done): void {
    if (this.destroyed) {
      queueMicrotask(() => done(codedError('SHOPCTL_ABORTED', 'the run ended before this request was sent'), null));
      return;
    }
    this.pending = { bytes, done };
    this.parser.expect(keepBody);
    if (this.socket === undefined) this.open();
    else if (this.connected) this.socket.write(bytes);
  }

  /** Closes the connection; a request in flight fails as aborted. */
  destroy(): void {
    this.destroyed = true;
    this.drop();
    this.fail(codedError('SHOPCTL_ABORTED', 'aborted: the run ended while this request was in flight'));
  }

  private open(): void {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.setTimeout(this.timeoutMs);
    socket.on('connect', () => {
      this.connected = true;
      this.events.connected();
      if (this.pending !== undefined) socket.write(this.pending.bytes);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => {
      if (this.pending === undefined) return; // idle keep-alive: nothing waits on it
      const error = this.connected
        ? codedError('SHOPCTL_TIMEOUT', `no answer within ${this.timeoutMs} ms`)
        : codedError('SHOPCTL_CONNECT_TIMEOUT', `could not connect within ${this.timeoutMs} ms`);
      this.drop();
      this.fail(error);
    });
    let socketError: Error | undefined;
    socket.on('error', (error) => (socketError = error));
    socket.on('close', () => this.onClose(socket, socketError));
  }

  private onData(chunk: Buffer): void {
    let response: ParsedResponse | null;
    try {
      response = this.parser.feed(chunk);
    } catch (error) {
      this.drop();
      this.fail(error as Error);
      return;
    }
    if (response === null) return;
    const pending = this.pending;
    this.pending = undefined;
    // A response nobody asked for, or bytes beyond it, mean the connection can't be trusted.
    if (response.close || pending === undefined || this.parser.leftover > 0) this.drop();
    pending?.done(null, response);
  }

  /**
   * Lets go of the socket at once, before anyone is told of the outcome: a caller that sends its
   * next request from that callback must get a new connection, not the one being closed.
   */
  private drop(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    if (this.connected) this.events.closed();
    else if (!this.destroyed) this.events.connectFailed(); // a connect we abandoned did not fail
    this.connected = false;
    this.parser.reset();
    socket.destroy();
  }

  /** The server (or the network) closed the socket we still use. */
  private onClose(socket: Socket, error: Error | undefined): void {
    if (this.socket !== socket) return; // already dropped, and already accounted for
    const wasConnected = this.connected;
    const response = this.parser.end();
    this.drop();
    if (response !== null && this.pending !== undefined) {
      const pending = this.pending;
      this.pending = undefined;
      pending.done(null, response);
      return;
    }
    // Once connected, the request may have been sent: whatever the socket's error code says, the
    // outcome is unknown (a connect-style code here must not read as "never sent").
    const reason = wasConnected
      ? codedError('SHOPCTL_CLOSED', `the connection closed before the answer${error === undefined ? '' : `: ${error.message}`}`)
      : (error ?? codedError('SHOPCTL_CONNECT_FAILED', 'the connection closed before it was established'));
    this.fail(reason);
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.done(error, null);
  }
}
