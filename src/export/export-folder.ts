import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../provision/atomic-write.js';
import { generateSecrets, readSecrets, type Secrets } from '../provision/secrets.js';

/** Marks a folder as an export of shopctl's: of which topology, in which format. */
export const EXPORT_MARKER = '.shopctl-export.json';
export const SECRETS_FILE = 'secrets.json';

export type ExportFormat = 'compose' | 'k8s';

/**
 * Refuses (64, before anything is written) a folder that holds files but is not a shopctl
 * export, or is the export of another topology or another format. An empty or absent folder
 * is fine. Exports written before the marker named its format are compose exports.
 */
export function requireOwnFolder(root: string, topology: string, format: ExportFormat): void {
  if (!existsSync(root) || readdirSync(root).length === 0) return;
  const marker = join(root, EXPORT_MARKER);
  if (!existsSync(marker)) {
    throw new UsageError(`${root} holds files that are not a shopctl export; nothing was written`, ['choose another folder with --out']);
  }
  let previous: { topology?: unknown; format?: unknown };
  try {
    previous = JSON.parse(readFileSync(marker, 'utf8')) as { topology?: unknown; format?: unknown };
  } catch (error) {
    throw new UsageError(`${marker} cannot be read (${(error as Error).message}); nothing was written`, ['choose another folder with --out, or delete that file to export there again']);
  }
  if (previous.topology !== topology) {
    throw new UsageError(`${root} holds the export of topology ${String(previous.topology)}, not ${topology}; nothing was written`, ['choose another folder with --out']);
  }
  const format_ = previous.format ?? 'compose';
  if (format_ !== format) {
    throw new UsageError(`${root} holds a ${String(format_)} export, not ${format}; nothing was written`, ['choose another folder with --out']);
  }
}

/**
 * The export's passwords: those of an earlier export into the folder (its databases were
 * secured with them), else new ones. `kept` tells which.
 */
export function exportSecrets(root: string, fresh: () => Secrets = generateSecrets): { secrets: Secrets; kept: boolean } {
  const file = join(root, SECRETS_FILE);
  return existsSync(file) ? { secrets: readSecrets(file), kept: true } : { secrets: fresh(), kept: false };
}

/** Writes the marker, and the secrets file (0600) when they are new. */
export function markExport(root: string, marker: Record<string, unknown> & { topology: string; format: ExportFormat }, secrets: Secrets, kept: boolean): void {
  writeFileAtomic(join(root, EXPORT_MARKER), `${JSON.stringify(marker)}\n`);
  if (!kept) writeFileAtomic(join(root, SECRETS_FILE), `${JSON.stringify(secrets, null, 2)}\n`, 0o600);
}
