import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/** GET `url` answers 200. */
export function httpWait(url: string): WaitStrategy {
  return {
    description: `GET ${url} answers 200`,
    async check() {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status !== 200) throw new NotReady(`GET ${url} answered ${response.status}`);
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
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await response.body?.cancel();
        if (response.status === 200) seen.add(response.headers.get('x-served-by') ?? '');
      }
      const missing = backends.filter((b) => !seen.has(b));
      if (missing.length > 0) throw new NotReady(`no answer through the LB from ${missing.join(', ')}`);
    },
  };
}
