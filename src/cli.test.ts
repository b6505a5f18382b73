import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('no command at all shows help and exits 64', async () => {
    const result = await exitCode();
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('Usage: shopctl');
  });

  it('a MySQL 8 node on the local driver exits 64 naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopctl-cli-'));
    const file = join(dir, 'mysql8.yaml');
    const yaml = readFileSync(new URL('../topology/default.yaml', import.meta.url), 'utf8');
    writeFileSync(file, yaml.replace('mysql-primary: { kind: mysql, port: 13306 }', 'mysql-primary: { kind: mysql, port: 13306, flavor: mysql }'));
    const result = await exitCode('up', '-t', file);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('nodes.mysql-primary.flavor: "mysql" is not supported');
  });

  it('an unknown command or option exits 64', async () => {
    expect((await exitCode('upp')).code).toBe(64);
    expect((await exitCode('up', '--fast')).code).toBe(64);
    expect((await exitCode('shell')).code).toBe(64);
  });

  it('verify without a report exits 64 and says where it looked', async () => {
    const verify = await exitCode('verify', '--report', '/nonexistent/run', '--json');
    expect(verify.code).toBe(64);
    expect(verify.stderr).toContain('no bench report in /nonexistent/run');
  });

  it('bench checks its flags before it contacts anything', async () => {
    const bench = await exitCode('bench', '--connections', 'lots');
    expect(bench.code).toBe(64);
    expect(bench.stderr).toContain('--connections: expected a whole number');
  });

  it('a missing topology file exits 64 and names it', async () => {
    const result = await exitCode('status', '-t', '/nonexistent/topology.yaml');
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('/nonexistent/topology.yaml');
  });
});
