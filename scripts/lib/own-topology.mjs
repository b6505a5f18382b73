// The measurement scripts' own topology: the default one (or `source`) under another name, every port moved
// to `basePort + i`, in a temporary SHOPCTL_HOME, so a script never meets a running topology.
// `shopctl(...args)` runs the CLI against it; `remove()` stops it and deletes everything.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const ROOT = new URL('../..', import.meta.url).pathname;
const LAUNCHER = join(ROOT, 'bin/shopctl.js');

export function ownTopology(name, basePort, edit = () => {}, source = join(ROOT, 'topology/default.yaml')) {
  const home = mkdtempSync(join(tmpdir(), `shopctl-${name}-`));
  const topology = parse(readFileSync(source, 'utf8'));
  topology.name = name;
  Object.values(topology.nodes).forEach((node, i) => (node.port = basePort + i));
  edit(topology);
  const file = join(home, `${name}.yaml`);
  writeFileSync(file, stringify(topology));
  const env = { ...process.env, SHOPCTL_HOME: home, CI: '1' };
  const shopctl = (...args) => spawnSync(process.execPath, [LAUNCHER, ...args, '-t', file], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return {
    home,
    file,
    topology,
    shopctl,
    remove() {
      shopctl('down', '--purge');
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Stops the script with the install command when wrk is missing. */
export function requireWrk() {
  if (spawnSync('wrk', ['--version']).error) {
    console.error('wrk is missing; install it with: sudo apt-get install -y wrk');
    process.exit(3);
  }
}
