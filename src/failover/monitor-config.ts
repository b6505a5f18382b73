import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssue } from '../config-file/load-yaml-file.js';
import { UsageError } from '../errors.js';

/** What `shopctl monitor` needs; `up` writes it from the topology (provision/nodes/monitor.ts). */
export const monitorConfigSchema = z.strictObject({
  node: z.string(),
  host: z.string(),
  port: z.number().int().min(0).max(65535),
  /** The topology file `up` was given, and the folder of its state (`.shopctl/<topology>`). */
  topologyFile: z.string(),
  stateRoot: z.string(),
  intervalMs: z.number().int().min(100),
  failcount: z.number().int().min(1),
  cooldownS: z.number().int().min(0),
});

export type MonitorConfig = z.output<typeof monitorConfigSchema>;

export function loadMonitorConfig(file: string): MonitorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read monitor config ${file}: ${(error as Error).message}`);
  }
  const result = monitorConfigSchema.safeParse(raw);
  if (!result.success) throw new UsageError(`${file} is not a valid monitor config`, result.error.issues.map((i) => `${file}: ${describeIssue(i)}`));
  return result.data;
}
