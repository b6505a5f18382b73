import { describe, expect, it, vi } from 'vitest';
import { main } from './cli.js';

async function exitCode(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'shopctl', ...args]), stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe('the CLI maps outcomes to the contract exit codes', () => {
  it('--version and --help exit 0', async () => {
    expect((await exitCode('--version')).code).toBe(0);
    expect((await exitCode('--help')).code).toBe(0);
    expect((await exitCode('up', '--help')).code).toBe(0);
  });

  it('an unknown command or option exits 64', async () => {
    expect((await exitCode('upp')).code).toBe(64);
    expect((await exitCode('up', '--fast')).code).toBe(64);
    expect((await exitCode('shell')).code).toBe(64);
  });

  it('commands whose issues have not landed refuse with 64 instead of passing', async () => {
    const bench = await exitCode('bench');
    expect(bench.code).toBe(64);
    expect(bench.stderr).toContain('not implemented yet');
    expect((await exitCode('verify', '--json')).code).toBe(64);
  });

  it('a missing topology file exits 64 and names it', async () => {
    const result = await exitCode('status', '-t', '/nonexistent/topology.yaml');
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('/nonexistent/topology.yaml');
  });
});
