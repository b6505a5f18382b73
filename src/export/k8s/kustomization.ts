import { z } from 'zod';

/** The part of a kustomization.yaml the export writes and `--check` reads back. */
export const kustomizationSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.literal('Kustomization').optional(),
  namespace: z.string().optional(),
  resources: z.array(z.string()).default([]),
  configMapGenerator: z.array(z.looseObject({ name: z.string(), envs: z.array(z.string()).optional(), literals: z.array(z.string()).optional() })).optional(),
});

export type Kustomization = z.output<typeof kustomizationSchema>;

export const KUSTOMIZATION = 'kustomization.yaml';

export function kustomization(namespace: string, resources: readonly string[], generators?: Kustomization['configMapGenerator']): Kustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    resources: [...resources],
    ...(generators === undefined ? {} : { configMapGenerator: generators }),
  };
}

/** The ConfigMap a configMapGenerator makes from `KEY=VALUE` lines (env files and literals). */
export function generatedConfigMap(name: string, envFiles: readonly string[], literals: readonly string[]): { apiVersion: string; kind: string; metadata: { name: string }; data: Record<string, string> } {
  const data: Record<string, string> = {};
  for (const line of [...envFiles.flatMap((content) => content.split('\n')), ...literals]) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at > 0) data[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data };
}
