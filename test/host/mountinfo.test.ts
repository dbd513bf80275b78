import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMountinfo, readMountinfo } from '../../src/host/mountinfo.ts';

describe('mountinfo', () => {
  it('parses optional fields, super options and octal escapes', () => {
    const text =
      '36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n' +
      '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';
    assert.deepEqual(parseMountinfo(text), [
      {
        mountPoint: '/mnt/with space',
        fsType: 'ext3',
        source: '/dev/root',
        superOptions: ['rw', 'errors=continue'],
      },
      {
        mountPoint: '/sys/fs/cgroup/memory',
        fsType: 'cgroup',
        source: 'cgroup',
        superOptions: ['rw', 'memory'],
      },
    ]);
  });

  it('reads this process table, which has a root mount', () => {
    assert.ok(readMountinfo().some((m) => m.mountPoint === '/'));
  });
});
