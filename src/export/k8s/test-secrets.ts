import type { Secrets } from '../../provision/secrets.js';

/** Passwords for tests of the export: fixed, so its output is the same on every run. */
export const FIXED_SECRETS: Secrets = {
  redisPassword: 'golden-redis-password-0001',
  mysqlRootPassword: 'golden-root-password-00001',
  mysqlAdminPassword: 'golden-admin-password-0001',
  mysqlReplicationPassword: 'golden-repl-password-00001',
  mysqlAppPassword: 'golden-app-password-000001',
};
