import { SHOP_DATABASE } from '../provision/secrets.js';

/**
 * Shell lines both exports' database setup share (compose's init service, Kubernetes' db-init
 * Job): each is given the command that feeds SQL on stdin to a server (`as_root <socket>`,
 * `as_admin <host>`), so only how a server is reached differs.
 */

/**
 * Seeds the catalog unless the primary has products. The count is captured first: a failing
 * query inside `[ … ]` would not stop a `set -e` script, and would read as "no products".
 */
export function seedingLines(primary: string, feedCatalog: string, products: number): string[] {
  return [
    `products=$(echo 'SELECT COUNT(*) FROM ${SHOP_DATABASE}.products' | ${primary})`,
    'if [ "$products" = 0 ]; then',
    `  echo "seeding ${products} products"`,
    `  ${feedCatalog} | ${primary}`,
    'fi',
  ];
}

/** Waits until the replica has applied every transaction the primary has logged, or exits 1 after `seconds`. */
export function catchUpLines(replicaName: string, primary: string, replica: string, seconds: number): string[] {
  return [
    `target=$(echo 'SELECT @@GLOBAL.gtid_binlog_pos' | ${primary})`,
    'waited=0',
    `until [ "$(echo 'SELECT @@GLOBAL.gtid_slave_pos' | ${replica})" = "$target" ]; do`,
    `  if [ "$waited" -ge ${seconds} ]; then echo "${replicaName} did not reach GTID $target within ${seconds} s" >&2; exit 1; fi`,
    '  sleep 1; waited=$((waited + 1))',
    'done',
    `echo "${replicaName} caught up (GTID $target)"`,
  ];
}
