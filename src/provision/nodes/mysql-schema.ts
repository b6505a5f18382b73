import { RESERVED_DB_CONNECTIONS } from '../../topology/pool-budget.js';
import { MYSQL_USERS, SHOP_DATABASE } from '../secrets.js';

/**
 * The service's schema (DESIGN.md section 5). Stock only changes through a purchase; the CHECK
 * makes a negative stock impossible even for a faulty strategy.
 */
export const SCHEMA_STATEMENTS = [
  `CREATE DATABASE IF NOT EXISTS ${SHOP_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  `CREATE TABLE IF NOT EXISTS ${SHOP_DATABASE}.products (
    id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    price_cents INT UNSIGNED NOT NULL,
    stock INT NOT NULL,
    initial_stock INT NOT NULL,
    version BIGINT UNSIGNED NOT NULL DEFAULT 0,
    updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    CONSTRAINT products_stock_not_negative CHECK (stock >= 0),
    CONSTRAINT products_initial_stock_not_negative CHECK (initial_stock >= 0)
  ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS ${SHOP_DATABASE}.orders (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    product_id BIGINT UNSIGNED NOT NULL,
    user_id VARCHAR(64) NOT NULL,
    quantity INT UNSIGNED NOT NULL,
    -- Binary collation: keys differ by case (the table's default collation would make k-A = k-a).
    idempotency_key VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    UNIQUE KEY orders_idempotency_key (idempotency_key),
    KEY orders_product (product_id),
    CONSTRAINT orders_product_fk FOREIGN KEY (product_id) REFERENCES ${SHOP_DATABASE}.products (id),
    CONSTRAINT orders_quantity_positive CHECK (quantity > 0)
  ) ENGINE=InnoDB`,
];

/**
 * Each account is `user@host`, the host from the topology's addressing (`accountHost`): the
 * loopback address, or any host on a bridge network.
 *
 * The app account reads the catalog, decrements stock and records orders: it may not delete,
 * rename products or touch anything else.
 *
 * Nor may it take the connections kept for admin, replication and audits (C − the reserve,
 * `MAX_USER_CONNECTIONS`): the app pools stay within that budget, but a connection the app cut
 * off keeps its server thread until its statement ends. Found by scripts/prove-failover.mjs:
 * under semisync without fallback, a new primary whose only replica is gone holds every COMMIT,
 * the apps gave up on them and opened more, the threads reached max_connections (300), and the
 * returning replica's IO thread was refused ("Too many connections") — so nothing could ever
 * acknowledge the held commits: purchases stopped for good.
 */
export function appAccountStatements(password: string, host: string, connectionsPerDatabase: number): string[] {
  const app = `'${MYSQL_USERS.app}'@'${host}'`;
  return [
    `CREATE USER IF NOT EXISTS ${app} IDENTIFIED BY '${password}' WITH MAX_USER_CONNECTIONS ${Math.max(1, connectionsPerDatabase - RESERVED_DB_CONNECTIONS)}`,
    `GRANT SELECT ON ${SHOP_DATABASE}.products TO ${app}`,
    `GRANT UPDATE (stock, version, updated_at) ON ${SHOP_DATABASE}.products TO ${app}`,
    `GRANT SELECT, INSERT ON ${SHOP_DATABASE}.orders TO ${app}`,
  ];
}

export function replicationAccountStatements(password: string, host: string): string[] {
  const repl = `'${MYSQL_USERS.replication}'@'${host}'`;
  return [`CREATE USER IF NOT EXISTS ${repl} IDENTIFIED BY '${password}'`, `GRANT REPLICATION SLAVE ON *.* TO ${repl}`];
}

export interface ServerPasswords {
  root: string;
  admin: string;
  replication: string;
}

/**
 * Per server, never replicated (sql_log_bin = 0): root gets a password, the passwordless root
 * logins from other hosts that mariadb-install-db creates are dropped, and shopctl's admin and
 * replication accounts are created. The replication account is on every server, made before
 * replication starts: any server may be a primary after a failover, and a semi-synchronous
 * primary could not commit the account's creation before a replica that needs it to log in
 * acknowledged it.
 */
export function secureServerStatements(passwords: ServerPasswords, host: string): string[] {
  const admin = `'${MYSQL_USERS.admin}'@'${host}'`;
  return [
    'SET SESSION sql_log_bin = 0',
    `DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost'`,
    `DELETE FROM mysql.global_priv WHERE User = ''`,
    'FLUSH PRIVILEGES',
    `ALTER USER 'root'@'localhost' IDENTIFIED BY '${passwords.root}'`,
    `CREATE USER IF NOT EXISTS ${admin} IDENTIFIED BY '${passwords.admin}'`,
    `GRANT ALL PRIVILEGES ON *.* TO ${admin} WITH GRANT OPTION`,
    ...replicationAccountStatements(passwords.replication, host),
    'SET SESSION sql_log_bin = 1',
  ];
}
