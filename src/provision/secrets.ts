import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

/** Every password of a topology, generated at the first `up` and kept in a 0600 file. */
const secretsSchema = z.strictObject({
  redisPassword: z.string().min(16),
  mysqlRootPassword: z.string().min(16),
  mysqlAdminPassword: z.string().min(16),
  mysqlReplicationPassword: z.string().min(16),
  mysqlAppPassword: z.string().min(16),
});

export type Secrets = z.output<typeof secretsSchema>;

/** Accounts shopctl creates in every database. */
export const MYSQL_USERS = {
  admin: 'shopctl_admin',
  replication: 'shopctl_repl',
  app: 'shopctl_app',
} as const;

export const SHOP_DATABASE = 'shop';

function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export function loadOrCreateSecrets(file: string): Secrets {
  if (existsSync(file)) return readSecrets(file);
  const secrets: Secrets = {
    redisPassword: generatePassword(),
    mysqlRootPassword: generatePassword(),
    mysqlAdminPassword: generatePassword(),
    mysqlReplicationPassword: generatePassword(),
    mysqlAppPassword: generatePassword(),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}

export function readSecrets(file: string): Secrets {
  return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}
