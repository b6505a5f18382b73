import type { Client } from 'undici';
import { openClient, type ClientOptions } from '../http-client.js';

/**
 * Every connection a worker opened, with the counts the self-check needs: how many are open
 * now, the most at once, and how many attempts to connect failed.
 */
export class Connections {
  connected = 0;
  peak = 0;
  connectErrors = 0;
  private readonly clients: Client[] = [];

  constructor(
    private readonly origin: string,
    readonly options: ClientOptions,
  ) {}

  open(): Client {
    const client = openClient(this.origin, this.options);
    client.on('connect', () => {
      this.connected += 1;
      if (this.connected > this.peak) this.peak = this.connected;
    });
    client.on('disconnect', () => {
      this.connected -= 1;
    });
    client.on('connectionError', () => {
      this.connectErrors += 1;
    });
    this.clients.push(client);
    return client;
  }

  get opened(): number {
    return this.clients.length;
  }

  /** Closes every connection; requests still in flight fail with an abort and are recorded as such. */
  async destroyAll(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.destroy().catch(() => undefined)));
  }
}
