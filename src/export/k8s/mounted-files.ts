import { createHash } from 'node:crypto';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { objectMeta, type K8sObject } from './manifest.js';

/** A file a pod gets from a ConfigMap, or from a Secret when it holds a password. */
export interface MountedFile {
  key: string;
  content: string;
  mountPath: string;
  secret: boolean;
}

export interface FileObjects {
  configMap?: K8sObject;
  secret?: K8sObject;
  volumes: IVolume[];
  mounts: IVolumeMount[];
  /** Changes with any file's content: on a pod template, a config change rolls the pods. */
  checksum: string;
}

/**
 * The ConfigMap and Secret named `<name>-config` / `<name>-secret` holding `files`, the volumes
 * a pod needs for them and a mount per file (subPath: each file at its own path, beside what
 * the node's volume holds; read-only).
 */
export function fileObjects(name: string, labels: Record<string, string>, files: readonly MountedFile[]): FileObjects {
  const plain = files.filter((f) => !f.secret);
  const secret = files.filter((f) => f.secret);
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  const mount = (volume: string, f: MountedFile) => mounts.push({ name: volume, mountPath: f.mountPath, subPath: f.key, readOnly: true });
  let configMap: K8sObject | undefined;
  let secretObject: K8sObject | undefined;
  if (plain.length > 0) {
    configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta(`${name}-config`, labels), data: dataOf(plain) };
    volumes.push({ name: 'config', configMap: { name: `${name}-config` } });
    for (const f of plain) mount('config', f);
  }
  if (secret.length > 0) {
    secretObject = { apiVersion: 'v1', kind: 'Secret', metadata: objectMeta(`${name}-secret`, labels), type: 'Opaque', stringData: dataOf(secret) };
    volumes.push({ name: 'secret', secret: { secretName: `${name}-secret`, defaultMode: 0o400 } });
    for (const f of secret) mount('secret', f);
  }
  return { ...(configMap === undefined ? {} : { configMap }), ...(secretObject === undefined ? {} : { secret: secretObject }), volumes, mounts, checksum: checksumOf(files) };
}

function dataOf(files: readonly MountedFile[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.key, f.content]));
}

export function checksumOf(files: readonly Pick<MountedFile, 'key' | 'content'>[]): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.key.localeCompare(b.key))) hash.update(`${f.key}\0${f.content}\0`);
  return hash.digest('hex');
}
