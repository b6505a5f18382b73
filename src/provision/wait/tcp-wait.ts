import { connect } from 'node:net';
import type { WaitStrategy } from './wait-strategy.js';

/** The port accepts a TCP connection. */
export function tcpWait(host: string, port: number): WaitStrategy {
  return {
    description: `port ${host}:${port} accepts connections`,
    check: () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port, timeout: 1000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(new Error(`connect to ${host}:${port} timed out`));
        });
        socket.once('error', (error) => reject(error));
      }),
  };
}
