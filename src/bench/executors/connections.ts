import { HttpConnection } from '../http1/connection.js';
import { openConnection, type ClientOptions } from '../http-client.js';

/**
 * Every connection a worker opened, with the counts the self-check needs: how many are open
 * now, the most at once, and how many attempts to connect failed.
 */
export class Connections {
  connected = 0;
  peak = 0;
  connectErrors = 0;
  /** `host:port` as the Host header carries it. */
  readonly host: string;
  private readonly all: HttpConnection[] = [];

  constructor(
    private readonly origin: string,
    readonly options: ClientOptions,
  ) {
    this.host = new URL(origin).host;
  }

  open(): HttpConnection {
    const connection = openConnection(this.origin, this.options, {
      connected: () => {
        this.connected += 1;
        if (this.connected > this.peak) this.peak = this.connected;
      },
      closed: () => {
        this.connected -= 1;
      },
      connectFailed: () => {
        this.connectErrors += 1;
      },
    });
    this.all.push(connection);
    return connection;
  }

  get opened(): number {
    return this.all.length;
  }

  /** Closes every connection; requests still in flight fail as aborted and are recorded as such. */
  destroyAll(): void {
    for (const connection of this.all) connection.destroy();
  }
}
