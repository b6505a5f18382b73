#!/usr/bin/env node
// Launcher: runs the compiled CLI. `npm run build` (or `npm run setup`) produces dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('shopctl: dist/cli.js is missing; run `npm run build` in the shopctl folder first.\n');
  process.exit(3);
}
const { main } = await import(entry.href);
process.exit(await main(process.argv));
