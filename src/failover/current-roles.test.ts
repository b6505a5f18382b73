import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSentinelConfig, recordedMasterPort } from './current-roles.js';

/** A Sentinel's config as it rewrites it, following the master on `port` since `epoch`. */
const rewritten = (port: number, epoch: number) => `port 26379
sentinel monitor shop 127.0.0.1 ${port} 2
sentinel auth-pass shop secret
sentinel myid 70ed0cf9c1bc469d0da0a569032717a9a3574b3f
sentinel config-epoch shop ${epoch}
sentinel leader-epoch shop ${epoch}
sentinel current-epoch ${epoch}
sentinel known-replica shop 127.0.0.1 16379
`;

describe('the master the Sentinels last recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopctl-sentinel-conf-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads the monitor line and the config-epoch of a rewritten file; the first start has epoch 0', () => {
    expect(parseSentinelConfig(rewritten(16380, 3))).toEqual({ port: 16380, epoch: 3 });
    expect(parseSentinelConfig('sentinel monitor shop redis-master 16379 2\n')).toEqual({ port: 16379, epoch: 0 });
    expect(parseSentinelConfig('sentinel monitor other 127.0.0.1 1 2\n')).toBeUndefined();
  });

  it('follows the newest configuration: a Sentinel stopped before the switch is behind', () => {
    const files = [file('a.conf', rewritten(16379, 0)), file('b.conf', rewritten(16380, 1)), file('c.conf', rewritten(16380, 1)), join(dir, 'absent.conf')];
    expect(recordedMasterPort(files)).toBe(16380);
    expect(recordedMasterPort([join(dir, 'absent.conf')])).toBeUndefined();
  });
});
