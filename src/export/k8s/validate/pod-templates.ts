import type { FoundObject } from './problem.js';

export type Labels = Record<string, string>;

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A pod template of the folder: where it is, its labels and its spec as written. */
export interface PodTemplate {
  owner: FoundObject;
  /** The template's path in its object: `spec.template`, or '' for a Pod. */
  at: string;
  labels: Labels;
  spec: Record<string, unknown>;
  /** Jobs' pods run to completion: they need no probes. */
  runsToCompletion: boolean;
}

const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'Job', 'ReplicaSet', 'DaemonSet']);

export function podTemplates(objects: readonly FoundObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const found of objects) {
    const { kind } = found.object;
    const template = kind === 'Pod' ? found.object : TEMPLATED.has(kind) ? record(record(found.object.spec).template) : undefined;
    if (template === undefined) continue;
    templates.push({
      owner: found,
      at: kind === 'Pod' ? '' : 'spec.template',
      labels: stringMap(record(template.metadata).labels),
      spec: record(template.spec),
      runsToCompletion: kind === 'Job',
    });
  }
  return templates;
}

/** Whether a LabelSelector (or a Service's plain map) selects these labels. */
export function selects(selector: LabelSelector | Labels, labels: Labels): boolean {
  const s = selector as LabelSelector;
  const isLabelSelector = 'matchLabels' in s || 'matchExpressions' in s;
  const matchLabels = isLabelSelector ? (s.matchLabels ?? {}) : (selector as Labels);
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return (isLabelSelector ? (s.matchExpressions ?? []) : []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] ?? '');
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

export function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function stringMap(value: unknown): Labels {
  return Object.fromEntries(Object.entries(record(value)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
