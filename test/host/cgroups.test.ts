import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CGROUP_FILES, enabledSubsystems, setupCgroups, subsystemGrouping } from '../../src/host/cgroups.ts';
import { hostRunsSystemd, isUnifiedCgroupHost } from '../../src/host/features.ts';
import { readMountinfo } from '../../src/host/mountinfo.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-cgroups-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const procCgroups = join(dir, 'cgroups');
writeFileSync(
  procCgroups,
  '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\nnet_cls\t0\t1\t0\n',
);
const selfCgroup = join(dir, 'self-cgroup');
writeFileSync(selfCgroup, '3:cpuset:/\n2:cpu,cpuacct:/\n0::/\n');

describe('cgroup setup helpers', () => {
  it('lists enabled subsystems in /proc/cgroups order', () => {
    assert.deepEqual(enabledSubsystems(procCgroups), ['cpuset', 'cpu', 'cpuacct']);
  });

  it('groups subsystems as /proc/self/cgroup does', () => {
    assert.equal(subsystemGrouping('cpu', selfCgroup), 'cpu,cpuacct');
    assert.equal(subsystemGrouping('cpuacct', selfCgroup), 'cpu,cpuacct');
    assert.equal(subsystemGrouping('cpuset', selfCgroup), 'cpuset');
    assert.equal(subsystemGrouping('pids', selfCgroup), 'pids');
    assert.equal(subsystemGrouping('pids', join(dir, 'nope')), 'pids');
  });
});

describe('setupCgroups', () => {
  const applicable = !hostRunsSystemd() && !isUnifiedCgroupHost();

  it('is idempotent on this host and leaves every enabled subsystem mounted', {
    skip: !applicable && 'host runs systemd or cgroup v2: setup does nothing here',
  }, () => {
    setupCgroups();
    setupCgroups();
    const points = new Set(
      readMountinfo()
        .filter((m) => m.fsType === 'cgroup')
        .map((m) => m.mountPoint),
    );
    for (const s of enabledSubsystems(CGROUP_FILES.procCgroups)) {
      const g = subsystemGrouping(s, CGROUP_FILES.selfCgroup);
      assert.ok(points.has(`/sys/fs/cgroup/${g}`), `${g} mounted`);
    }
  });

  it('does not load koffi when everything is mounted already', {
    skip: !applicable && 'host runs systemd or cgroup v2',
  }, () => {
    const mod = new URL('../../src/host/cgroups.ts', import.meta.url).href;
    const out = execFileSync(process.execPath, [
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       import { setupCgroups } from ${JSON.stringify(mod)};
       setupCgroups(); setupCgroups();
       const cache = createRequire(import.meta.url).cache;
       console.log(Object.keys(cache).some((k) => k.includes('koffi')));`,
    ]);
    assert.equal(String(out).trim(), 'false');
  });

  it('does nothing on a cgroup v2 root (docs/behaviour/locking-and-recovery.md §6.2 step 1)', {
    skip: isUnifiedCgroupHost('/sys/fs/cgroup/unified')
      ? undefined
      : 'needs a cgroup2 mount at /sys/fs/cgroup/unified (hybrid host) to exercise the v2 branch',
  }, () => {
    // Unreadable mount table and subsystem list: any v1 work would fail.
    const nope = join(dir, 'nope');
    setupCgroups({
      cgroupRoot: '/sys/fs/cgroup/unified',
      mountinfo: nope,
      procCgroups: nope,
      selfCgroup: nope,
    });
  });

  it('wraps failures with the exact upstream prefixes', () => {
    const base = { ...CGROUP_FILES, cgroupRoot: dir, procCgroups, selfCgroup };
    assert.throws(() => setupCgroups({ ...base, mountinfo: join(dir, 'nope') }), {
      message: `unable to setup cgroups: unable to retrieve mounts: open ${join(dir, 'nope')}: no such file or directory`,
      showUsage: true,
    });
    const fakeMounts = join(dir, 'mountinfo');
    writeFileSync(fakeMounts, `31 23 0:28 / ${dir} rw - tmpfs tmpfs rw\n`);
    assert.throws(() => setupCgroups({ ...base, mountinfo: fakeMounts, procCgroups: join(dir, 'nope') }), {
      message: `unable to setup cgroups: unable to retrieve cgroup subsystems: open ${join(dir, 'nope')}: no such file or directory`,
    });
    const bogus = join(dir, 'bogus-cgroups');
    writeFileSync(bogus, '#subsys_name\thierarchy\tnum_cgroups\tenabled\nno_such_ctl\t0\t1\t1\n');
    assert.throws(() => setupCgroups({ ...base, mountinfo: fakeMounts, procCgroups: bogus }), {
      message: new RegExp(
        `^unable to setup cgroups: unable to mount subsystem for no_such_ctl: unable to mount ${join(dir, 'no_such_ctl')}: [a-z ]+$`,
      ),
    });
  });
});
