import { basename } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { NodeOfKind } from '../../topology/model.js';
import { accountHost } from '../../provision/addressing.js';
import { serverPasswords } from '../../provision/nodes/mysql-bootstrap.js';
import { mysqlKind, initializedMarker, installSpec } from '../../provision/nodes/mysql.js';
import { secureServerStatements } from '../../provision/nodes/mysql-schema.js';
import type { RenderContext } from '../../provision/render-context.js';
import { sqlFile } from '../compose/database-init.js';
import { shellLine, shellWord } from '../compose/shell-quote.js';
import type { MountedFile } from './mounted-files.js';
import { podCommand } from './pod-context.js';

/** Where a database pod's init container finds the secure step's files. */
const SECURE_DIR = '/shopctl-init';
const START_WAIT_SECONDS = 300;

/** The secure step's statements and root's login after it, from the node's Secret. */
export function secureFiles(ctx: RenderContext): MountedFile[] {
  const statements = secureServerStatements(serverPasswords(ctx.secrets), accountHost(ctx.addressing));
  return [
    { key: 'secure.sql', content: sqlFile(statements), mountPath: `${SECURE_DIR}/secure.sql`, secret: true },
    { key: 'root.cnf', content: `[client]\nuser = root\npassword = ${ctx.secrets.mysqlRootPassword}\n`, mountPath: `${SECURE_DIR}/root.cnf`, secret: true },
  ];
}

/**
 * The database's first start, before its server container: the data directory as `up` and the
 * compose export make it (a half-written one, from a killed install, is wiped and made again),
 * then the secure step. mariadb-install-db leaves root@localhost with socket login only, and
 * pods share no volume, so no other pod can do that step: this container starts the server
 * without networking, secures it over its own socket (root's password, shopctl's admin and
 * replication accounts on '%' as bridge addressing makes them), and stops it. Everything later
 * (replication, accounts, schema, catalog) is the db-init Job's, over TCP as the admin account.
 * Each step leaves the marker `up` leaves, so a restarted pod does only what is missing. The
 * secure step's files (`secureMounts`) are mounted here only.
 */
export function databaseInitContainer(node: NodeOfKind<'mysql'>, ctx: RenderContext, server: IContainer, secureMounts: IVolumeMount[]): IContainer {
  const paths = ctx.paths.node(node.name);
  const spec = installSpec(node, ctx);
  const secured = shellWord(`${paths.dir}/secured`);
  const socket = shellWord(paths.socket);
  const dirs = mysqlKind.directories(node, ctx);
  const script = [
    'set -eu',
    shellLine(['mkdir', '-p', ...dirs]),
    `[ -f ${initializedMarker(ctx, node)} ] || { rm -rf ${paths.dataDir} && mkdir -p ${paths.dataDir} && ${shellLine([basename(spec.command), ...spec.args])} && date -u > ${initializedMarker(ctx, node)}; }`,
    `if [ ! -f ${secured} ]; then`,
    `  echo "securing ${node.name} over its socket"`,
    `  ${shellLine([...podCommand(mysqlKind.launch(node, ctx)), '--skip-networking'])} &`,
    '  server=$!',
    '  waited=0',
    `  until mariadb-admin --no-defaults --user=root --socket=${socket} ping >/dev/null 2>&1; do`,
    `    [ "$waited" -lt ${START_WAIT_SECONDS} ] || { echo "${node.name} did not start within ${START_WAIT_SECONDS} s" >&2; exit 1; }`,
    '    sleep 1; waited=$((waited + 1))',
    '  done',
    // A secure step killed after root got its password is finished with that password.
    `  mariadb --no-defaults --user=root --socket=${socket} --batch < ${SECURE_DIR}/secure.sql || mariadb --defaults-extra-file=${SECURE_DIR}/root.cnf --socket=${socket} --batch < ${SECURE_DIR}/secure.sql`,
    `  date -u > ${secured}`,
    `  mariadb-admin --defaults-extra-file=${SECURE_DIR}/root.cnf --socket=${socket} shutdown`,
    '  wait "$server"',
    'fi',
  ].join('\n');
  return {
    name: 'first-start',
    image: server.image,
    command: ['/bin/sh', '-c', script],
    workingDir: paths.dir,
    resources: server.resources,
    volumeMounts: [...(server.volumeMounts ?? []), ...secureMounts],
  };
}
