import { httpGet } from '../../clients/http.js';
import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/** GET `url` answers 200. */
export function httpWait(url: string): WaitStrategy {
  return {
    description: `GET ${url} answers 200`,
    async check() {
      const { status } = await httpGet(url);
      if (status !== 200) throw new NotReady(`GET ${url} answered ${status}`);
    },
  };
}

/**
 * GET `url` through a load balancer until every one of `backends` has answered, told apart by
 * the `X-Served-By` header the apps set: proof that the LB reaches each of them.
 */
export function httpThroughWait(url: string, backends: readonly string[]): WaitStrategy {
  return {
    description: `GET ${url} reaches ${backends.join(', ')}`,
    async check() {
      const seen = new Set<string>();
      for (let i = 0; i < backends.length * 4 && seen.size < backends.length; i++) {
        const answer = await httpGet(url);
        if (answer.status === 200) seen.add(answer.servedBy ?? '');
      }
      const missing = backends.filter((b) => !seen.has(b));
      if (missing.length > 0) throw new NotReady(`no answer through the LB from ${missing.join(', ')}`);
    },
  };
}
