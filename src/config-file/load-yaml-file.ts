import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../errors.js';

/**
 * Reads a user-edited YAML file and validates it with a zod schema. Every failure is a
 * UsageError (exit 64) naming the file, the key path in it and what was expected, so a typo in
 * `topology/*.yaml` or `scenarios/*.yaml` never passes silently.
 */
export function loadYamlFile<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  const text = readText(file, what);
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    const lines = document.errors.map((e) => `${file}: ${e.message.split('\n')[0]}`);
    throw new UsageError(`${file} is not valid YAML`, lines);
  }
  const result = schema.safeParse(document.toJS());
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${file}: ${describeIssue(issue)}`);
    throw new UsageError(`${file} is not a valid ${what}`, lines);
  }
  return result.data;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new UsageError(`cannot read ${what} file ${file}: ${reason}`);
  }
}

/** `nodes.lb.port: expected a number, received string` — the path first, as a user scans it. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? '(top level)' : issue.path.map(String).join('.');
  return `${path}: ${issue.message}`;
}
