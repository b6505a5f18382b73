import { fileURLToPath } from 'node:url';

/** The shopctl package folder (holds bin/, topology/), from src/ or dist/ alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const LAUNCHER = fileURLToPath(new URL('../bin/shopctl.js', import.meta.url));
