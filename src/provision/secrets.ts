import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { EnvironmentError } from '../errors.js';

/** Every password of a topology, generated at the first `up` and kept in a 0600 file. */
// Passwords go into SQL and config files verbatim: only the characters generatePassword makes.
const password = z.string().regex(/^[A-Za-z0-9_-]{16,}$/, 'expected 16 or more of A-Z a-z 0-9 _ -');
const secretsSchema = z.strictObject({
  redisPassword: password,
  mysqlRootPassword: password,
  mysqlAdminPassword: password,
  mysqlReplicationPassword: password,
  mysqlAppPassword: password,
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

/** A new password for every account (only the characters the schema above allows). */
export function generateSecrets(): Secrets {
  return {
    redisPassword: generatePassword(),
    mysqlRootPassword: generatePassword(),
    mysqlAdminPassword: generatePassword(),
    mysqlReplicationPassword: generatePassword(),
    mysqlAppPassword: generatePassword(),
  };
}

export function loadOrCreateSecrets(file: string): Secrets {
  if (existsSync(file)) return readSecrets(file);
  const secrets = generateSecrets();
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return secrets;
}

export function readSecrets(file: string): Secrets {
  try {
    return secretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new EnvironmentError(`${file} cannot be read: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`, [
      'the passwords of the running topology are lost; start over with: shopctl up --fresh',
    ]);
  }
}
