import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';
import type { TextFile } from './manifest.js';
import { IMAGE_PACKAGE } from './pod-context.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function defaultImage(): string {
  return `shopctl:${packageVersion()}`;
}

/**
 * The shopctl image the apps, the monitor and the bench agents run: the package `npm pack`
 * makes, installed globally in node:20-bookworm-slim, so the launcher is at IMAGE_PACKAGE.
 */
export function imageFiles(): TextFile[] {
  const version = packageVersion();
  const dockerfile = [
    '# The shopctl image (shopctl export k8s): apps, the monitor and the bench agents run it.',
    '# Build it from the package folder:',
    `#   npm run build && npm pack --pack-destination <this folder> && docker build -t shopctl:${version} <this folder>`,
    'FROM node:20-bookworm-slim',
    `COPY shopctl-${version}.tgz /tmp/`,
    `RUN npm install --global --omit=dev /tmp/shopctl-${version}.tgz && rm /tmp/shopctl-${version}.tgz && test -f ${IMAGE_PACKAGE}/bin/shopctl.js`,
    'ENTRYPOINT ["node", "' + `${IMAGE_PACKAGE}/bin/shopctl.js` + '"]',
    '',
  ].join('\n');
  return [{ path: 'image/Dockerfile', content: dockerfile, secret: false }];
}
