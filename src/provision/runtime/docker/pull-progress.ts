/** One message of the engine's pull stream (`docker pull`'s JSON lines). */
export interface PullMessage {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
}

/** Statuses of a layer that is on the engine now. */
const LAYER_DONE = new Set(['Pull complete', 'Already exists']);
const MIB = 2 ** 20;

/**
 * Folds the engine's per-layer pull messages into one line a person can follow:
 * "3/7 layers, 120 of 480 MiB". Messages without a layer id (the tag, the digest) are skipped.
 */
export class PullTally {
  private readonly layers = new Map<string, { done: boolean; current: number; total: number }>();

  add(message: PullMessage): void {
    const { id, status } = message;
    if (id === undefined || status === undefined || /^Pulling from /.test(status) || id.includes(':')) return;
    const layer = this.layers.get(id) ?? { done: false, current: 0, total: 0 };
    if (LAYER_DONE.has(status)) layer.done = true;
    if (status === 'Downloading' && message.progressDetail?.total !== undefined) {
      layer.current = message.progressDetail.current ?? 0;
      layer.total = message.progressDetail.total;
    }
    if (status === 'Download complete') layer.current = layer.total;
    this.layers.set(id, layer);
  }

  summary(): string {
    const layers = [...this.layers.values()];
    const done = layers.filter((l) => l.done).length;
    const current = layers.reduce((sum, l) => sum + (l.done ? l.total : l.current), 0);
    const total = layers.reduce((sum, l) => sum + l.total, 0);
    const bytes = total > 0 ? `, ${(current / MIB).toFixed(0)} of ${(total / MIB).toFixed(0)} MiB` : '';
    return `${done}/${layers.length} layers${bytes}`;
  }
}
