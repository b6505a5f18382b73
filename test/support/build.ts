import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** e2e tests run the real CLI (bin/shopctl.js → dist/): build it once before they start. */
export default function build(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
