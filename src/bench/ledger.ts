import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';

export type LedgerOutcome = 'acknowledged' | 'failed' | 'unknown';

/** One purchase attempt as the client saw it; `verify` audits the databases against these. */
export interface LedgerEntry {
  key: string;
  productId: number;
  quantity: number;
  outcome: LedgerOutcome;
  orderId: number | null;
  /** HTTP status, or null when no answer came (connect error, timeout, reset, abort). */
  status: number | null;
}

const FLUSH_LINES = 512;

/**
 * One worker's part of `ledger.ndjson`. Lines are buffered and written in chunks; `close`
 * resolves only when every line is on disk, so an interrupted run still has them all.
 */
export class LedgerWriter {
  private readonly stream: WriteStream;
  private lines: string[] = [];

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'w', mode: 0o600 });
  }

  write(entry: LedgerEntry): void {
    this.lines.push(JSON.stringify(entry));
    if (this.lines.length >= FLUSH_LINES) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    this.stream.write(`${this.lines.join('\n')}\n`);
    this.lines = [];
  }

  async close(): Promise<void> {
    this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Concatenates the workers' parts into one ledger file and removes the parts. */
export async function joinLedgerParts(parts: string[], file: string): Promise<void> {
  await concatenateFiles(parts, file);
  for (const part of parts) rmSync(part, { force: true });
}

/** `files` one after another into `file` (0600: ledgers name every purchase), streamed. */
export async function concatenateFiles(files: readonly string[], file: string): Promise<void> {
  const out = createWriteStream(file, { flags: 'w', mode: 0o600 });
  for (const part of files) {
    for await (const chunk of createReadStream(part)) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}
