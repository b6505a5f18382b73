/**
 * What provisioning reports as it goes; the ink view and the plain renderer draw these. The
 * provisioning code never writes to the terminal itself.
 */
export type NodePhase = 'starting' | 'ready' | 'running' | 'stopping' | 'stopped' | 'failed';

export type ProvisionEvent =
  | { type: 'node'; node: string; kind: string; phase: NodePhase; ms?: number; message?: string }
  | { type: 'step'; step: string; phase: 'started' | 'done' | 'failed'; ms?: number; message?: string }
  /** An image pulled by the docker driver; `progress` says how far (layers, bytes). */
  | { type: 'pull'; image: string; phase: 'started' | 'progress' | 'done' | 'failed'; ms?: number; message?: string };

export type ProvisionListener = (event: ProvisionEvent) => void;

export const ignoreEvents: ProvisionListener = () => {};
