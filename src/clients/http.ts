/**
 * The HTTP endpoints of the nodes, as shopctl reads them: the apps' `/healthz`, `/readyz` and
 * `/metrics`, and nginx's stub status. Every request is bounded: a hung server fails the caller.
 */
const TIMEOUT_MS = 2000;
const METRICS_TIMEOUT_MS = 3000;

export interface HttpAnswer {
  status: number;
  /** The app that answered (`X-Served-By`), when the answer came through the LB. */
  servedBy: string | null;
}

/** GET `url`; the body is discarded. */
export async function httpGet(url: string): Promise<HttpAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.body?.cancel();
  return { status: response.status, servedBy: response.headers.get('x-served-by') };
}

export interface Readiness {
  status: number;
  /** Each dependency's state as the app sees it (redis ok, mysql-primary down, …). */
  checks: Record<string, string>;
}

/** An app's `/readyz`. */
export async function appReadiness(origin: string): Promise<Readiness> {
  const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await response.json().catch(() => ({}))) as { checks?: Record<string, string> };
  return { status: response.status, checks: body.checks ?? {} };
}

/** An app's `/metrics` (Prometheus text). */
export async function appMetrics(origin: string): Promise<string> {
  const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(METRICS_TIMEOUT_MS) });
  return response.text();
}

/** nginx's stub status: its active client connections, when the page says. */
export async function nginxActiveConnections(origin: string): Promise<number | undefined> {
  const text = await fetch(`${origin}/_nginx/status`, { signal: AbortSignal.timeout(TIMEOUT_MS) }).then((r) => r.text());
  const active = Number(/Active connections:\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
  return Number.isNaN(active) ? undefined : active;
}
