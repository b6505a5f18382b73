import { list, podTemplates, record } from './pod-templates.js';
import { problemAt, type FoundObject, type Problem } from './problem.js';

// What the API server refuses that the schemas do not say (apimachinery's validation package).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Services' names are DNS-1035 labels, Namespaces' and StatefulSets' (their pods' hostnames) DNS-1123 labels. */
const LABEL_NAMED: Record<string, { pattern: RegExp; what: string }> = {
  Service: { pattern: DNS1035_LABEL, what: 'a DNS-1035 label (lowercase letters, digits and dashes, starting with a letter, ending with a letter or digit, at most 63)' },
  Namespace: { pattern: DNS1123_LABEL, what: 'a DNS-1123 label (lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63)' },
  StatefulSet: { pattern: DNS1123_LABEL, what: 'a DNS-1123 label (lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63)' },
};

/** Probe fields and the least value the API accepts. */
const PROBE_MINIMUM: Record<string, number> = { initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 1, terminationGracePeriodSeconds: 1 };

export function apiNameProblems(found: FoundObject): Problem[] {
  const problems: Problem[] = [];
  const { kind, metadata } = found.object;
  const rule = LABEL_NAMED[kind];
  if (rule !== undefined) {
    if (metadata.name.length > 63 || !rule.pattern.test(metadata.name)) problems.push(problemAt(found, 'metadata.name', `${JSON.stringify(metadata.name)} is not ${rule.what}`));
  } else if (metadata.name.length > 253 || !DNS1123_SUBDOMAIN.test(metadata.name)) {
    problems.push(problemAt(found, 'metadata.name', `${JSON.stringify(metadata.name)} is not a DNS-1123 subdomain (lowercase letters, digits, dashes and dots, starting and ending with a letter or digit)`));
  }
  problems.push(...labelProblems(found, 'metadata.labels', metadata.labels));
  for (const template of podTemplates([found])) {
    const at = (path: string) => (template.at === '' ? path : `${template.at}.${path}`);
    if (template.at !== '') problems.push(...labelProblems(found, at('metadata.labels'), record(record(record(found.object.spec).template).metadata).labels));
    for (const field of ['containers', 'initContainers'] as const) {
      list(template.spec[field]).forEach((container, i) => {
        for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          for (const [key, least] of Object.entries(PROBE_MINIMUM)) {
            const value = record(container[probe])[key];
            if (typeof value === 'number' && value < least) problems.push(problemAt(found, at(`spec.${field}[${i}].${probe}.${key}`), `${value} is less than ${least}`));
          }
        }
      });
    }
  }
  return problems;
}

/** Keys `[prefix/]name` (prefix a DNS-1123 subdomain); names and values up to 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
function labelProblems(found: FoundObject, path: string, labels: unknown): Problem[] {
  return Object.entries(record(labels)).flatMap(([key, value]) => {
    const slash = key.lastIndexOf('/');
    const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
    const problems: Problem[] = [];
    if ((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !LABEL_NAME.test(name)) {
      problems.push(problemAt(found, `${path}.${key}`, 'not a label key: [a DNS-1123 subdomain and /] a name of at most 63 letters, digits, -, _ or ., alphanumeric at both ends'));
    }
    if (typeof value !== 'string' || value.length > 63 || (value !== '' && !LABEL_NAME.test(value))) {
      problems.push(problemAt(found, `${path}.${key}`, `${JSON.stringify(value)} is not a label value: at most 63 letters, digits, -, _ or ., alphanumeric at both ends`));
    }
    return problems;
  });
}
