import { HOSTNAME_KEY, LABEL, REPLICATED_KINDS } from '../labels.js';
import { list, podTemplates, record, selects, type LabelSelector, type PodTemplate } from './pod-templates.js';
import { problemAt, type FolderUnit, type Problem } from './problem.js';
import { referenceProblems } from './references.js';

/** shopctl's rules on a kustomization's objects, beyond the schemas. */
export function ruleProblems(unit: FolderUnit): Problem[] {
  const templates = podTemplates(unit.objects);
  const problems: Problem[] = [];
  for (const found of unit.objects) {
    const { kind } = found.object;
    const spec = record(found.object.spec);
    const own = templates.find((t) => t.owner === found);
    if (kind === 'Service' && Object.keys(record(spec.selector)).length > 0 && !templates.some((t) => selects(record(spec.selector), t.labels))) {
      problems.push(problemAt(found, 'spec.selector', 'selects no pod template in the folder'));
    }
    if ((kind === 'Deployment' || kind === 'StatefulSet' || (kind === 'Job' && spec.selector !== undefined)) && own !== undefined && !selects(record(spec.selector) as LabelSelector, own.labels)) {
      problems.push(problemAt(found, 'spec.selector', 'does not select its own pod template (spec.template.metadata.labels)'));
    }
    if (kind === 'PodDisruptionBudget') problems.push(...budgetProblems(found, spec, templates));
  }
  for (const template of templates) {
    problems.push(...referenceProblems(template, unit.objects), ...probeProblems(template));
  }
  problems.push(...spreadProblems(templates), ...colocationProblems(templates));
  return problems;
}

function probeProblems(template: PodTemplate): Problem[] {
  if (template.runsToCompletion) return [];
  const at = (path: string) => (template.at === '' ? path : `${template.at}.${path}`);
  return list(template.spec.containers).flatMap((c, i) =>
    (['readinessProbe', 'livenessProbe'] as const).filter((probe) => c[probe] === undefined).map((probe) => problemAt(template.owner, at(`spec.containers[${i}].${probe}`), 'missing')),
  );
}

/**
 * A budget blocks a drain when it allows no pod out: maxUnavailable 0, or minAvailable as many
 * as the pods it selects (each workload counted by its replicas). It also blocks one when it
 * selects more pods of one server than it lets out: a server's pods are required together, so
 * the first evicted stays Pending until the last is out, which the budget then refuses.
 */
function budgetProblems(found: FolderUnit['objects'][number], spec: Record<string, unknown>, templates: readonly PodTemplate[]): Problem[] {
  const selector = record(spec.selector) as LabelSelector;
  const selected = templates.filter((t) => selects(selector, t.labels));
  if (selected.length === 0) return [problemAt(found, 'spec.selector', 'selects no pod template in the folder')];
  const pods = selected.reduce((sum, t) => sum + (t.owner.object.kind === 'Pod' ? 1 : Number(record(t.owner.object.spec).replicas ?? 1)), 0);
  const { maxUnavailable, minAvailable } = spec;
  if (maxUnavailable === 0 || maxUnavailable === '0%') return [problemAt(found, 'spec.maxUnavailable', `${String(maxUnavailable)} lets no pod be evicted: it blocks every drain`)];
  if (minAvailable === '100%' || (typeof minAvailable === 'number' && minAvailable >= pods)) {
    return [problemAt(found, 'spec.minAvailable', `${String(minAvailable)} of the ${pods} pod(s) it selects lets none be evicted: it blocks every drain`)];
  }
  const allowed = typeof maxUnavailable === 'number' ? maxUnavailable : typeof minAvailable === 'number' ? pods - minAvailable : undefined;
  const servers = selected.map((t) => `${t.labels[LABEL.topology] ?? ''}/${t.labels[LABEL.server] ?? ''}`).filter((s) => !s.endsWith('/'));
  const crowded = servers.find((server) => servers.filter((s) => s === server).length > (allowed ?? Infinity));
  if (crowded !== undefined) {
    const field = typeof maxUnavailable === 'number' ? 'spec.maxUnavailable' : 'spec.minAvailable';
    return [problemAt(found, field, `it selects ${servers.filter((s) => s === crowded).length} pods of server ${crowded.split('/')[1] ?? ''} and lets ${String(allowed)} out: a drain of that server (whose pods are required together) is blocked`)];
  }
  return [];
}

/**
 * Each pair of copies of one kind (database primary and replica, Redis master and replica, the
 * Sentinels) is kept on distinct Kubernetes nodes: one of the two carries a required
 * anti-affinity term, per hostname, that selects the other.
 */
function spreadProblems(templates: readonly PodTemplate[]): Problem[] {
  const problems: Problem[] = [];
  const copies = templates.filter((t) => REPLICATED_KINDS.has(t.labels[LABEL.kind] ?? ''));
  copies.forEach((a, i) => {
    for (const b of copies.slice(i + 1)) {
      if (a.labels[LABEL.kind] !== b.labels[LABEL.kind] || a.labels[LABEL.topology] !== b.labels[LABEL.topology]) continue;
      if (keepsAway(a, b) || keepsAway(b, a)) continue;
      const path = `${a.at === '' ? '' : `${a.at}.`}spec.affinity.podAntiAffinity`;
      problems.push(problemAt(a.owner, path, `${a.owner.object.metadata.name} and ${b.owner.object.metadata.name} may share a Kubernetes node: no required anti-affinity per ${HOSTNAME_KEY} keeps them apart`));
    }
  });
  return problems;
}

/**
 * The pods of one server share a Kubernetes node: each carries a required affinity term, per
 * hostname, that selects the others of its server and itself (the first pod of a server may
 * schedule only by matching its own term). Without it the scheduler may spread a server's pods
 * over several nodes, and with as many nodes as servers the last ones stay Pending.
 */
function colocationProblems(templates: readonly PodTemplate[]): Problem[] {
  const problems: Problem[] = [];
  const placed = templates.filter((t) => t.labels[LABEL.server] !== undefined);
  for (const a of placed) {
    const partners = placed.filter((b) => b.labels[LABEL.topology] === a.labels[LABEL.topology] && b.labels[LABEL.server] === a.labels[LABEL.server]);
    const apart = partners.filter((b) => !requiredTerms(a, 'podAffinity').some((selector) => selects(selector, a.labels) && selects(selector, b.labels)));
    if (apart.length === 0) continue;
    const path = `${a.at === '' ? '' : `${a.at}.`}spec.affinity.podAffinity`;
    const names = apart.map((b) => b.owner.object.metadata.name).join(', ');
    problems.push(problemAt(a.owner, path, `no required affinity per ${HOSTNAME_KEY} keeps it on one Kubernetes node with the pods of server ${a.labels[LABEL.server] ?? ''} (${names}), itself included`));
  }
  return problems;
}

function keepsAway(from: PodTemplate, other: PodTemplate): boolean {
  return requiredTerms(from, 'podAntiAffinity').some((selector) => selects(selector, other.labels));
}

/** The label selectors of a template's required terms per hostname. */
function requiredTerms(template: PodTemplate, field: 'podAffinity' | 'podAntiAffinity'): LabelSelector[] {
  const terms = list(record(record(template.spec.affinity)[field]).requiredDuringSchedulingIgnoredDuringExecution);
  return terms.filter((term) => term.topologyKey === HOSTNAME_KEY && term.labelSelector !== undefined).map((term) => record(term.labelSelector) as LabelSelector);
}
