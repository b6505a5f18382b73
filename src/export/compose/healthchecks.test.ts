import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNode, type TopologyNode } from '../../topology/model.js';
import { loadTopology } from '../../topology/load.js';
import { podContext } from '../k8s/pod-context.js';
import { FIXED_SECRETS } from '../k8s/test-secrets.js';
import { healthcheckFor } from './healthchecks.js';

const topology = loadTopology(new URL('../../../topology/seed-ha.yaml', import.meta.url).pathname, 4);
const ctx = podContext(topology, FIXED_SECRETS);
const root = mkdtempSync(join(tmpdir(), 'shopctl-healthchecks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Runs a node's CMD-SHELL healthcheck with a fake redis-cli that prints `answer`. */
function passes(name: string, answer: string): boolean {
  const node = findNode(topology, name) as TopologyNode;
  const [form, ...test] = healthcheckFor(node, ctx).test;
  expect(form).toBe('CMD-SHELL');
  const bin = join(root, `bin-${(n += 1)}`);
  mkdirSync(bin);
  writeFileSync(join(bin, 'redis-cli'), `#!/bin/sh\nprintf '${answer}'\n`);
  chmodSync(join(bin, 'redis-cli'), 0o755);
  return spawnSync('/bin/sh', ['-c', test.join(' ')], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } }).status === 0;
}

describe('the compose healthchecks (and the Kubernetes probes made of them)', () => {
  it('passes a Redis replica linked to its master, or promoted by Sentinel, and nothing else', () => {
    expect(passes('redis-replica', '# Replication\\r\\nrole:slave\\r\\nmaster_link_status:up\\r\\n')).toBe(true);
    expect(passes('redis-replica', '# Replication\\r\\nrole:master\\r\\nconnected_slaves:1\\r\\n')).toBe(true);
    expect(passes('redis-replica', '# Replication\\r\\nrole:slave\\r\\nmaster_link_status:down\\r\\n')).toBe(false);
  });

  it('passes a Sentinel that names a master, not one that answers an error', () => {
    expect(passes('sentinel1', 'redis-master\\n16479\\n')).toBe(true);
    expect(passes('sentinel1', 'NOAUTH Authentication required.\\n')).toBe(false);
    expect(passes('sentinel1', '')).toBe(false);
  });
});
