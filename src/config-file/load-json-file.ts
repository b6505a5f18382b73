import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import { describeIssue } from './load-yaml-file.js';

/**
 * A JSON file `up` wrote for a node's process (the app's service.json, the monitor's
 * monitor.json), validated: 64 naming the file, and each key path with what was expected.
 */
export function loadJsonFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new UsageError(`${file} is not a valid ${what}`, result.error.issues.map((i) => `${file}: ${describeIssue(i)}`));
  return result.data;
}
