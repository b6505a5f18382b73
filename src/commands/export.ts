import { Argument } from 'commander';
import { z } from 'zod';
import { ExitCode, UsageError } from '../errors.js';
import { writeComposeExport } from '../export/compose/write.js';
import { defaultImage } from '../export/k8s/image-files.js';
import { checkFolder } from '../export/k8s/validate/validate.js';
import { writeK8sExport } from '../export/k8s/write.js';
import { requireMariadb } from '../topology/require-mariadb.js';
import { loadTopology } from '../topology/load.js';
import type { Topology } from '../topology/model.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  topology: z.string().optional(),
  network: z.enum(['host', 'bridge']).optional(),
  out: z.string().min(1).optional(),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace name (lowercase letters, digits, dashes)').optional(),
  image: z.string().min(1).optional(),
  benchAgents: z.coerce.number().int().min(1).max(64).optional(),
  check: z.boolean().default(false),
  json: z.boolean().default(false),
});

type Options = z.output<typeof options>;

const MARIADB_ONLY = 'the exported services run MariaDB images; a MySQL 8 service (mysqld --initialize, its my.cnf) is not implemented';

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write the topology for another tool: compose (a docker-compose project), k8s (a kustomize folder)',
  configure: (c) =>
    c
      .addArgument(new Argument('<format>', 'what to write').choices(['compose', 'k8s']))
      .option('-t, --topology <file>', 'topology file (default: topology/default.yaml)')
      .option('--network <mode>', "compose only. host: every container on the host network (127.0.0.1); bridge: a network of its own, nodes by name, ports published on 127.0.0.1 (default: the topology's docker.network, host)")
      .option('-o, --out <dir>', 'folder to write (default: compose/<topology> or k8s/<topology>)')
      .option('--namespace <ns>', 'k8s: the namespace (default: the topology name)')
      .option('--image <image>', 'k8s: the shopctl image apps, the monitor and bench agents run (default: shopctl:<version>)')
      .option('--bench-agents <n>', 'k8s: also write bench/, an Indexed Job of N load agents (1..64)')
      .option('--check', 'k8s: validate the folder as it is on disk (-o), write nothing')
      .option('--json', 'print what was written as JSON on stdout'),
  async action(format, raw) {
    const opts = parseOptions(options, raw);
    if (format === 'k8s') return exportK8s(opts);
    for (const flag of ['namespace', 'image', 'benchAgents', 'check'] as const) {
      if (opts[flag] !== undefined && opts[flag] !== false) throw new UsageError(`--${flag === 'benchAgents' ? 'bench-agents' : flag} is for export k8s, not compose`);
    }
    const topology = loadTopology(opts.topology);
    requireMariadb(topology, MARIADB_ONLY);
    const written = writeComposeExport(topology, opts.network ?? topology.docker.network, opts.out ?? `compose/${topology.name}`);
    writeErr(`wrote ${written.composeFile} (${written.services.length} services, --network ${written.network}${written.newSecrets ? ', new passwords' : ', passwords kept'})`);
    writeErr(`start it: docker-compose -f ${written.composeFile} up -d`);
    if (opts.json) process.stdout.write(`${JSON.stringify(written)}\n`);
    return ExitCode.ok;
  },
};

function exportK8s(opts: Options): ExitCode {
  if (opts.network !== undefined) throw new UsageError('--network is for export compose: in Kubernetes every node is reached by its Service, by name', ['drop --network']);
  if (opts.check) {
    const dir = opts.out ?? `k8s/${topologyFor(opts).name}`;
    const checked = checkFolder(dir);
    writeErr(`${dir}: ${checked.objects} objects valid`);
    if (opts.json) process.stdout.write(`${JSON.stringify({ dir, valid: true, ...checked })}\n`);
    return ExitCode.ok;
  }
  const topology = topologyFor(opts);
  const written = writeK8sExport(topology, {
    dir: opts.out ?? `k8s/${topology.name}`,
    namespace: opts.namespace ?? topology.name,
    image: opts.image ?? defaultImage(),
    ...(opts.benchAgents === undefined ? {} : { benchAgents: opts.benchAgents }),
  });
  writeErr(`wrote ${written.dir} (${written.objects} objects, namespace ${written.namespace}, image ${written.image}${written.newSecrets ? ', new passwords' : ', passwords kept'})`);
  writeErr(`apply it: kubectl apply --server-side -k ${written.dir}${written.benchAgents === null ? '' : `   load: kubectl apply --server-side -k ${written.dir}/bench`}`);
  if (opts.json) process.stdout.write(`${JSON.stringify(written)}\n`);
  return ExitCode.ok;
}

function topologyFor(opts: Options): Topology {
  const topology = loadTopology(opts.topology);
  requireMariadb(topology, MARIADB_ONLY);
  return topology;
}
