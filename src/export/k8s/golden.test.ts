import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../topology/load.js';
import { checkFolder } from './validate/validate.js';
import { writeK8sExport } from './write.js';
import { FIXED_SECRETS } from './test-secrets.js';

const GOLDEN = new URL('../../../test/golden/k8s/', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'shopctl-k8s-golden-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort();
}

/**
 * The whole folder of each topology against test/golden/k8s/<topology>/ (passwords fixed, app
 * workers as on 4 cores). Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and read
 * the diff.
 */
describe.each([
  ['default', undefined],
  ['seed-ha', 2],
])('the Kubernetes export of topology/%s.yaml', (name, benchAgents) => {
  const topology = loadTopology(new URL(`../../../topology/${name}.yaml`, import.meta.url).pathname, 4);
  const dir = join(root, name);
  writeK8sExport(topology, { dir, namespace: name, image: 'shopctl:0.1.0', ...(benchAgents === undefined ? {} : { benchAgents }) }, () => FIXED_SECRETS);

  it('is the golden folder, file by file', () => {
    const golden = join(GOLDEN, name);
    const written = filesUnder(dir);
    if (process.env.UPDATE_GOLDEN === '1') {
      rmSync(golden, { recursive: true, force: true });
      for (const file of written) {
        mkdirSync(dirname(join(golden, file)), { recursive: true });
        writeFileSync(join(golden, file), readFileSync(join(dir, file)));
      }
    }
    expect(written).toEqual(filesUnder(golden));
    for (const file of written) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(golden, file), 'utf8'));
  });

  it('passes its own check as written on disk', () => {
    expect(checkFolder(dir).objects).toBeGreaterThan(topology.nodes.length * 2);
  });

  it('mounts root\'s login and the secure step in the databases\' first start only', () => {
    for (const file of ['mysql-primary.yaml', 'mysql-replica.yaml']) {
      const text = readFileSync(join(dir, file), 'utf8');
      const server = text.slice(text.indexOf('      containers:'), text.indexOf('      volumes:'));
      expect(text.slice(text.indexOf('      initContainers:'))).toContain('mountPath: /shopctl-init/root.cnf');
      expect(server, file).not.toMatch(/shopctl-init\/(root\.cnf|secure\.sql)/);
    }
  });

  it('keeps every file holding a password 0600', () => {
    for (const file of filesUnder(dir)) {
      const text = readFileSync(join(dir, file), 'utf8');
      const holdsPassword = Object.values(FIXED_SECRETS).some((password) => text.includes(password));
      expect(statSync(join(dir, file)).mode & 0o777, relative(dir, join(dir, file))).toBe(holdsPassword ? 0o600 : 0o644);
    }
  });
});
