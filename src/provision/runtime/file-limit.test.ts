import { describe, expect, it } from 'vitest';
import { hardOpenFileLimit } from './file-limit.js';

const limits = (files: string) => `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            ${files}                files
Max locked memory         8388608              8388608              bytes
`;

describe('hardOpenFileLimit', () => {
  it('reads the hard column of Max open files', () => {
    expect(hardOpenFileLimit(limits('1024                 20000'))).toBe(20_000);
  });

  it('treats unlimited and unreadable limits as no limit', () => {
    expect(hardOpenFileLimit(limits('unlimited            unlimited'))).toBe(Number.POSITIVE_INFINITY);
    expect(hardOpenFileLimit('')).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads this machine', () => {
    expect(hardOpenFileLimit()).toBeGreaterThan(0);
  });
});
