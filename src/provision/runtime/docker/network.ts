import type Docker from 'dockerode';
import { LABELS } from './labels.js';

/** The user-defined bridge network of a topology (docker.network: bridge): shopctl-<topology>. */
export function networkName(topology: string): string {
  return `shopctl-${topology}`;
}

/** Creates the topology's network on the engine unless it has it; labelled, so `down` finds it. */
export async function ensureNetwork(engine: Docker, topology: string): Promise<void> {
  if ((await topologyNetworks(engine, topology)).length > 0) return;
  try {
    await engine.createNetwork({
      Name: networkName(topology),
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { [LABELS.managed]: 'true', [LABELS.topology]: topology },
    });
  } catch (error) {
    // Two nodes starting at once both saw no network; the loser's create conflicts (409).
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
  }
}

/** Removes the topology's networks on the engine (none in host mode); idempotent. */
export async function removeNetworks(engine: Docker, topology: string): Promise<void> {
  for (const network of await topologyNetworks(engine, topology)) {
    await engine.getNetwork(network.Id).remove().catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 404) throw error;
    });
  }
}

async function topologyNetworks(engine: Docker, topology: string): Promise<Docker.NetworkInspectInfo[]> {
  return engine.listNetworks({ filters: JSON.stringify({ label: [`${LABELS.topology}=${topology}`] }) });
}
