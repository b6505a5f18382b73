import { z } from 'zod';
import { loadJsonFile } from '../config-file/load-json-file.js';

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
  return loadJsonFile(file, monitorConfigSchema, 'monitor config');
}
