import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const DEFAULT_TOPOLOGY = fileURLToPath(new URL('../../topology/default.yaml', import.meta.url));

export interface TestTopology {
  /** A temporary folder: SHOPCTL_HOME and the topology file live here. */
  home: string;
  file: string;
  name: string;
  ports: Record<string, number>;
}

type Yaml = {
  name: string;
  nodes: Record<string, { port: number }>;
  catalog: { products: number };
  app: { nearCacheMs?: number; cacheTtlSeconds?: number; workers?: number; pools?: { primary?: number; replica?: number }; maxPurchasesInFlight?: number };
  docker?: { hosts?: Record<string, string>; images?: Record<string, string> };
};

/**
 * The default topology under another name, with every port moved to `basePort + i`, so a test
 * never meets a developer's running topology; `edit` changes anything else.
 */
export function testTopology(name: string, basePort: number, edit: (t: Yaml) => void = () => {}, source = DEFAULT_TOPOLOGY): TestTopology {
  const home = mkdtempSync(join(tmpdir(), `shopctl-${name}-`));
  const yaml = parse(readFileSync(source, 'utf8')) as Yaml;
  yaml.name = name;
  const ports: Record<string, number> = {};
  Object.entries(yaml.nodes).forEach(([node, spec], i) => {
    spec.port = basePort + i;
    ports[node] = spec.port;
  });
  edit(yaml);
  const file = join(home, `${name}.yaml`);
  writeFileSync(file, stringify(yaml));
  return { home, file, name, ports };
}
