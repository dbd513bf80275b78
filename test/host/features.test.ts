import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  HOST_FILES,
  type HostFiles,
  hostRunsSystemd,
  isUnifiedCgroupHost,
  ownCgroup,
  probeFeatures,
  v2SwapLimitSupported,
} from '../../src/host/features.ts';
import { readMountinfo } from '../../src/host/mountinfo.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-features-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('probeFeatures on this host', () => {
  it('matches what the host files say', () => {
    const f = probeFeatures();
    assert.equal(f.systemd, hostRunsSystemd());
    assert.equal(f.seccomp, !existsSync('/proc/sys/fs/binfmt_misc/rosetta'));
    assert.equal(f.resolvconf, existsSync('/run/resolvconf'));
    assert.equal(f.systemdResolve, existsSync('/run/systemd/resolve'));
    const zero = readFileSync('/proc/self/cgroup', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('0::'));
    assert.equal(f.ownCgroup, zero?.slice(3));
    if (!isUnifiedCgroupHost()) {
      const memory = readMountinfo().find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
      assert.ok(memory, 'v1 memory controller mounted');
      assert.equal(f.swapLimit, existsSync(join(memory.mountPoint, 'memory.memsw.limit_in_bytes')));
    }
  });

  it('is cheap', () => {
    const started = performance.now();
    for (let i = 0; i < 20; i++) probeFeatures();
    assert.ok((performance.now() - started) / 20 < 5);
  });
});

describe('probeFeatures with planted host files', () => {
  function files(extra: Partial<HostFiles>): HostFiles {
    const memory = join(dir, 'memory');
    mkdirSync(memory, { recursive: true });
    writeFileSync(join(memory, 'memory.memsw.limit_in_bytes'), '');
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(
      mountinfo,
      `35 31 0:32 / ${memory.replaceAll(' ', '\\040')} rw,relatime shared:9 - cgroup cgroup rw,memory\n`,
    );
    return {
      ...HOST_FILES,
      cgroupRoot: dir,
      mountinfo,
      selfCgroup: join(dir, 'nope'),
      rosetta: join(dir, 'nope'),
      systemdDir: join(dir, 'nope'),
      resolvconf: join(dir, 'nope'),
      systemdResolve: join(dir, 'nope'),
      ...extra,
    };
  }

  it('reads swap support, rosetta, systemd, resolv dirs and the own cgroup', () => {
    const sd = join(dir, 'systemd-system');
    mkdirSync(sd);
    const cg = join(dir, 'cgroup');
    writeFileSync(cg, '4:memory:/x\n0::/bosh/web\n');
    writeFileSync(join(dir, 'rosetta'), '');
    assert.deepEqual(
      probeFeatures(
        files({ systemdDir: sd, selfCgroup: cg, rosetta: join(dir, 'rosetta'), resolvconf: dir }),
      ),
      {
        swapLimit: true,
        seccomp: false,
        systemd: true,
        resolvconf: true,
        systemdResolve: false,
        ownCgroup: '/bosh/web',
      },
    );
  });

  it('does not count a symlink to a directory as systemd', () => {
    const link = join(dir, 'systemd-link');
    mkdirSync(join(dir, 'real'), { recursive: true });
    symlinkSync(join(dir, 'real'), link);
    assert.equal(hostRunsSystemd(link), false);
    assert.equal(probeFeatures(files({ systemdDir: link })).systemd, false);
  });

  it('leaves ownCgroup out without a 0:: line', () => {
    const cg = join(dir, 'cgroup-v1-only');
    writeFileSync(cg, '4:memory:/x\n');
    assert.equal(ownCgroup(cg), undefined);
    assert.equal('ownCgroup' in probeFeatures(files({ selfCgroup: cg })), false);
  });

  it('strips a trailing CR from the 0:: line (docs/behaviour/container.md §2.4)', () => {
    const cg = join(dir, 'cgroup-crlf');
    writeFileSync(cg, '4:memory:/x\r\n0::/bosh/web\r\n');
    assert.equal(ownCgroup(cg), '/bosh/web');
  });

  const unified = '/sys/fs/cgroup/unified';
  it('on a cgroup v2 root probes memory.swap.max where containers go and never needs a v1 memory mount', {
    skip: isUnifiedCgroupHost(unified)
      ? undefined
      : `needs a cgroup2 mount at ${unified} (hybrid host) to exercise the v2 branch`,
  }, () => {
    const empty = join(dir, 'empty-mountinfo-v2');
    writeFileSync(empty, '');
    // No systemd and no own cgroup: containers go under the root, so a child of it answers.
    const f = probeFeatures(files({ cgroupRoot: unified, mountinfo: empty }));
    assert.equal(f.swapLimit, v2SwapLimitSupported(unified, '/'));
  });

  it('fails without a v1 memory controller', () => {
    const empty = join(dir, 'empty-mountinfo');
    writeFileSync(empty, '');
    assert.throws(() => probeFeatures(files({ mountinfo: empty })), {
      message: 'mountpoint for memory not found',
    });
  });
});

describe('v2SwapLimitSupported (policy fix #12)', () => {
  const root = join(dir, 'v2');
  mkdirSync(join(root, 'system.slice', 'monit.service'), { recursive: true });
  mkdirSync(join(root, 'init.scope'), { recursive: true });

  it('reads memory.swap.max of the cgroup the containers are made in, not of the root', () => {
    writeFileSync(join(root, 'memory.swap.max'), 'max\n'); // never there on a real root: ignored
    assert.equal(v2SwapLimitSupported(root, '/system.slice'), false);
    writeFileSync(join(root, 'system.slice', 'memory.swap.max'), 'max\n');
    assert.equal(v2SwapLimitSupported(root, '/system.slice'), true);
    assert.equal(v2SwapLimitSupported(root, '/system.slice/monit.service'), false);
    assert.equal(v2SwapLimitSupported(root, '/missing'), false);
  });

  it('for containers under the root, any child of the root with memory.swap.max says yes', () => {
    const bare = join(dir, 'v2-bare');
    mkdirSync(join(bare, 'init.scope'), { recursive: true });
    writeFileSync(join(bare, 'memory.swap.max'), 'max\n');
    assert.equal(v2SwapLimitSupported(bare, '/'), false);
    writeFileSync(join(bare, 'init.scope', 'memory.swap.max'), 'max\n');
    assert.equal(v2SwapLimitSupported(bare, '/'), true);
    assert.equal(v2SwapLimitSupported(join(dir, 'no-such-root'), '/'), false);
  });
});
