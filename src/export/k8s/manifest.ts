/** A Kubernetes object as the export writes it and the validator reads it back. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A YAML file of objects, relative to the export's folder; Secrets go in files of their own, 0600. */
export interface ManifestFile {
  path: string;
  objects: K8sObject[];
  secret: boolean;
}

/** A file that is no manifest (README, Dockerfile, run.env). */
export interface TextFile {
  path: string;
  content: string;
  secret: boolean;
}

export function objectMeta(name: string, labels: Record<string, string>, annotations?: Record<string, string>): K8sObject['metadata'] {
  return { name, labels, ...(annotations === undefined ? {} : { annotations }) };
}
