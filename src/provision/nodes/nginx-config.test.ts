import { describe, expect, it } from 'vitest';
import { fileRoles } from '../../failover/roles.js';
import { loadTopology } from '../../topology/load.js';
import { loadBalancerOf } from '../../topology/model.js';
import { LOOPBACK } from '../addressing.js';
import { topologyPaths } from '../home.js';
import { APP_LONGEST_ANSWER_MS } from '../../service/waits.js';
import { NGINX_5XX_REASONS } from '../../bench/classify.js';
import { NGINX_ERRORS, renderNginxConfig } from './nginx-config.js';

const topology = loadTopology(new URL('../../../topology/default.yaml', import.meta.url).pathname);
const lb = loadBalancerOf(topology);
const paths = topologyPaths('default', '/srv/shopctl').node('lb');
const loopback = { topology, addressing: LOOPBACK, runningAsRoot: false, roles: fileRoles(topology) };
const config = renderNginxConfig(lb, loopback, paths, Number.POSITIVE_INFINITY);

describe('the load balancer config', () => {
  it('balances over both app ports with a keep-alive pool', () => {
    expect(config).toContain('server 127.0.0.1:18081 max_fails=0;');
    expect(config).toContain('server 127.0.0.1:18082 max_fails=0;');
    // As many idle connections per worker as it can have requests in flight: no churn at N = 6000.
    expect(config).toMatch(/keepalive 8192;/);
    expect(config).toContain('keepalive_timeout 60s;');
    expect(config).toContain('proxy_set_header Connection "";');
  });

  it('is sized for 6000 clients: connections, open files and backlog', () => {
    const connections = Number(/worker_connections (\d+);/.exec(config)?.[1]);
    const files = Number(/worker_rlimit_nofile (\d+);/.exec(config)?.[1]);
    // Each client holds one connection and borrows one to an app.
    expect(connections).toBeGreaterThanOrEqual(2 * 6000);
    expect(files).toBeGreaterThanOrEqual(2 * connections);
    expect(config).toContain('listen 127.0.0.1:18080 backlog=4096 reuseport;');
  });

  it('keeps its files in the node folder and never re-sends a POST elsewhere', () => {
    expect(config).toContain('pid /srv/shopctl/default/lb/nginx.pid;');
    expect(config).toContain('client_body_temp_path /srv/shopctl/default/lb/tmp/body;');
    // Only a real failure (refused, reset) retries elsewhere, a POST only if never sent (a
    // re-sent one broke I4, issue #13); a slow answer is waited for, never sent twice.
    expect(config).toContain('proxy_next_upstream error;');
    expect(config).not.toContain('non_idempotent');
    expect(config).not.toMatch(/^user /m);
  });

  it('answers its own errors as JSON, with Retry-After on 5xx', () => {
    for (const [status, code] of [[413, 'payload_too_large'], [502, '$shop_bad_gateway'], [504, '$shop_gateway_timeout'], [400, 'bad_request']] as const) {
      expect(config).toContain(`error_page ${status} /_nginx/error/${status};`);
      expect(config).toContain(`return ${status} '{"error":"${code}",`);
      expect(config).toContain(`add_header X-Error ${code} always;`);
    }
    const badGateway = config.slice(config.indexOf('location = /_nginx/error/502'));
    expect(badGateway.slice(0, badGateway.indexOf('}'))).toContain('add_header Retry-After 1 always;');
    const tooLarge = config.slice(config.indexOf('location = /_nginx/error/413'));
    expect(tooLarge.slice(0, tooLarge.indexOf('}'))).not.toContain('Retry-After');
  });

  it('labels its 5xx with codes the bench counts as nginx\'s own', () => {
    const codes = [...NGINX_ERRORS.filter(([status]) => status >= 500).map(([, code]) => code), ...[...config.matchAll(/^\s+"~[^"]+"\s+(\w+);|^\s+default\s+(\w+);/gm)].map((m) => m[1] ?? m[2])];
    const labelled = codes.filter((code) => !code?.startsWith('$'));
    expect(labelled).toEqual(expect.arrayContaining(['no_live_upstream', 'upstream_connect_failed', 'upstream_failed', 'upstream_connect_timeout', 'upstream_timeout']));
    for (const code of labelled) expect(NGINX_5XX_REASONS[code as string], code).toMatch(/^nginx\./);
  });

  it('tells the app when it handed the request on, and calls a 504 before the connect completed what it is', () => {
    expect(config).toContain('proxy_set_header X-Request-Start "t=$msec";');
    const map = config.slice(config.indexOf('map $upstream_connect_time $shop_gateway_timeout {'));
    expect(map.slice(0, map.indexOf('}'))).toMatch(/"~-\$"\s+upstream_connect_timeout;\s+default\s+upstream_timeout;/);
  });

  it('adds its connect and header times in ms as Server-Timing to every proxied answer', () => {
    expect(config).toContain('add_header Server-Timing "lb-connect;dur=$shop_lb_connect_ms, lb-header;dur=$shop_lb_header_ms" always;');
    for (const [variable, source] of [['$shop_lb_connect_ms', '$upstream_connect_time'], ['$shop_lb_header_ms', '$upstream_header_time']]) {
      expect(config).toContain(`map ${source} ${variable} {`);
    }
    // "0.012" s becomes "0012", which the bench reads as 12 ms.
    expect(config.match(/"~\^\(\?<s>\[0-9\]\+\)\[\.\]\(\?<ms>\[0-9\]\{3\}\)\$" +\$s\$ms;/g)).toHaveLength(2);
  });

  it('orders its timeouts between the client and the app', () => {
    const read = Number(/proxy_read_timeout (\d+)s;/.exec(config)?.[1]) * 1000;
    expect(read).toBeGreaterThan(APP_LONGEST_ANSWER_MS);
    // The scenarios' default client timeout is 10 s (scenario/schema.ts).
    expect(read).toBeLessThan(10_000);
    expect(config).toContain(`proxy_send_timeout ${read / 1000}s;`);
  });

  it('takes the keep-alive pool from the topology when it names one', () => {
    expect(renderNginxConfig({ ...lb, upstreamKeepalive: 300 }, loopback, paths, 20_000)).toMatch(/keepalive 300;/);
  });

  it('asks for no more open files than the hard limit allows', () => {
    expect(renderNginxConfig(lb, loopback, paths, 20_000)).toContain('worker_rlimit_nofile 20000;');
  });

  it("one worker per core: the machine's (auto), or the node's CPU limit where its runtime caps it (a pod)", () => {
    expect(renderNginxConfig(lb, loopback, paths, 20_000)).toMatch(/^worker_processes auto;$/m);
    expect(renderNginxConfig(lb, { ...loopback, cpuLimits: { [lb.name]: 2 } }, paths, 20_000)).toMatch(/^worker_processes 2;$/m);
  });

  it('runs workers as root only when started as root', () => {
    expect(renderNginxConfig(lb, { ...loopback, runningAsRoot: true }, paths)).toMatch(/^user root root;$/m);
  });

  it('on a bridge network, listens on every interface and finds the apps by name', () => {
    const bridged = renderNginxConfig(lb, { ...loopback, addressing: { kind: 'bridge' } as const }, paths, 20_000);
    expect(bridged).toMatch(/^\s+listen 0\.0\.0\.0:18080 /m);
    expect(bridged).toContain('server app1:18081 max_fails=0');
    expect(bridged).toContain('server app2:18082 max_fails=0');
    expect(bridged).not.toContain('127.0.0.1');
  });

  it('keeps every temp folder under the node folder', () => {
    for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) expect(config).toMatch(new RegExp(`^\\s+${dir}_temp_path /srv/shopctl/default/lb/tmp/`, 'm'));
  });

  it('on servers of their own, listens on its server address and reaches each app at its server', () => {
    const addressing = { kind: 'host', addresses: { lb: '127.0.0.3', app1: '127.0.0.3', app2: '127.0.0.4' } } as const;
    const spread = renderNginxConfig(lb, { ...loopback, addressing }, paths, 20_000);
    expect(spread).toMatch(/^\s+listen 127\.0\.0\.3:18080 /m);
    expect(spread).toContain('server 127.0.0.3:18081 max_fails=0');
    expect(spread).toContain('server 127.0.0.4:18082 max_fails=0');
  });
});
