import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BpmError } from '../../src/errors.ts';
import { buildSpec } from '../../src/oci/build.ts';
import type { OciMount } from '../../src/oci/types.ts';
import { bareProcess, myjobProcess, specInput, volume } from './input-fixture.ts';

const ro = (p: string): OciMount => ({
  destination: p,
  type: 'bind',
  source: p,
  options: ['bind', 'exec', 'nosuid', 'nodev', 'ro'],
});
const rw = (src: string, dst: string): OciMount => ({
  destination: dst,
  type: 'bind',
  source: src,
  options: ['rbind', 'noexec', 'nosuid', 'nodev', 'rw'],
});

test('§7 example: top level, process and root', () => {
  const { spec, duplicateMounts } = buildSpec(specInput(myjobProcess()));
  assert.deepEqual(duplicateMounts, []);
  assert.equal(spec.ociVersion, '1.3.0');
  assert.deepEqual(Object.keys(spec), ['ociVersion', 'process', 'root', 'mounts', 'linux']);
  assert.deepEqual(spec.process, {
    user: { uid: 1000, gid: 1000, username: 'vcap' },
    args: ['/var/vcap/packages/bpm/bin/tini', '-w', '-s', '--', '/bin/bash', '-c', 'sleep 1000'],
    env: [
      'FOO=bar',
      'TMPDIR=/var/vcap/data/myjob/tmp',
      'LANG=en_US.UTF-8',
      'PATH=/var/vcap/jobs/myjob/bin:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.',
      'HOME=/var/vcap/data/myjob',
    ],
    cwd: '/var/vcap/jobs/myjob',
    capabilities: {},
    rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1000n, soft: 1000n }],
    noNewPrivileges: true,
  });
  assert.deepEqual(spec.root, { path: '/var/vcap/data/bpm/bundles/myjob/myjob/rootfs' });
});

test('§7 example: mounts — fixed six, then bind mounts sorted by depth (ties in collection order)', () => {
  const { spec } = buildSpec(specInput(myjobProcess()));
  const v = '/var/vcap';
  assert.deepEqual(spec.mounts!.slice(0, 6), [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'mode=755'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    {
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  ]);
  assert.deepEqual(spec.mounts!.slice(6), [
    ro('/bin'),
    ro('/etc'),
    ro('/lib'),
    ro('/lib64'),
    ro('/sbin'),
    ro('/usr'),
    rw(`${v}/data/myjob/tmp`, '/tmp'),
    rw(`${v}/data/myjob/tmp`, '/var/tmp'),
    ro(`${v}/packages`),
    ro(`${v}/data/packages`),
    ro(`${v}/jobs/myjob`),
    rw(`${v}/data/myjob`, `${v}/data/myjob`),
    rw(`${v}/data/shared`, `${v}/data/shared`),
    rw(`${v}/data/myjob/tmp`, `${v}/data/myjob/tmp`),
    rw(`${v}/sys/log/myjob`, `${v}/sys/log/myjob`),
  ]);
});

test('§7 example: linux', () => {
  const { spec } = buildSpec(specInput(myjobProcess()));
  const linux = spec.linux!;
  assert.deepEqual(Object.keys(linux), [
    'resources',
    'cgroupsPath',
    'namespaces',
    'seccomp',
    'rootfsPropagation',
    'maskedPaths',
    'readonlyPaths',
  ]);
  assert.deepEqual(linux.resources, {
    memory: { limit: 268435456n, swap: 268435456n },
    pids: { limit: 50n },
  });
  assert.equal(linux.cgroupsPath, '/bpm-myjob');
  assert.deepEqual(linux.namespaces, [{ type: 'ipc' }, { type: 'mount' }, { type: 'uts' }, { type: 'pid' }]);
  assert.equal(linux.seccomp!.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(linux.seccomp!.syscalls!.length, 316);
  assert.equal(linux.rootfsPropagation, 'private');
  assert.deepEqual(linux.maskedPaths, [
    '/etc/sv',
    '/proc/kcore',
    '/proc/latency_stats',
    '/proc/sched_debug',
    '/proc/timer_list',
    '/proc/timer_stats',
    '/sys/firmware',
  ]);
  assert.deepEqual(linux.readonlyPaths, [
    '/proc/asound',
    '/proc/bus',
    '/proc/fs',
    '/proc/irq',
    '/proc/sys',
    '/proc/sysrq-trigger',
  ]);
});

test('the builder is pure: same input, equal output, input untouched', () => {
  const input = specInput(myjobProcess());
  const before = structuredClone(input.process);
  assert.deepEqual(buildSpec(input), buildSpec(input));
  assert.deepEqual(input.process, before);
});

test('env: job env first in Map order, then defaults only for keys not set (empty key kept)', () => {
  const p = bareProcess('web');
  p.env = new Map([
    ['Z', '1'],
    ['HOME', '/home/x'],
    ['A', 'a=b'],
    ['', 'v'],
    ['LANG', 'C'],
  ]);
  const env = buildSpec(specInput(p)).spec.process!.env;
  assert.deepEqual(env, [
    'Z=1',
    'HOME=/home/x',
    'A=a=b',
    '=v',
    'LANG=C',
    'TMPDIR=/var/vcap/data/web/tmp',
    'PATH=/var/vcap/jobs/web/bin:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.',
  ]);
  p.env = new Map([
    ['PATH', '/bin'],
    ['TMPDIR', '/t'],
  ]);
  assert.deepEqual(buildSpec(specInput(p)).spec.process!.env, [
    'PATH=/bin',
    'TMPDIR=/t',
    'LANG=en_US.UTF-8',
    'HOME=/var/vcap/data/web',
  ]);
});

test('env, cwd and tini use internal paths even with an overridden root; HOME set without ephemeral disk', () => {
  const p = bareProcess('web');
  const { spec } = buildSpec(specInput(p, { root: '/tmp/r1/' }));
  assert.deepEqual(spec.process!.env, [
    'TMPDIR=/var/vcap/data/web/tmp',
    'LANG=en_US.UTF-8',
    'PATH=/var/vcap/jobs/web/bin:/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin:.',
    'HOME=/var/vcap/data/web',
  ]);
  assert.equal(spec.process!.cwd, '/var/vcap/jobs/web');
  assert.equal(spec.process!.args![0], '/var/vcap/packages/bpm/bin/tini');
  assert.deepEqual(spec.process!.args, ['/var/vcap/packages/bpm/bin/tini', '-w', '-s', '--', '/bin/server']);
  assert.equal(spec.root!.path, '/tmp/r1/data/bpm/bundles/web/web/rootfs');
});

test('cwd: workdir verbatim when non-empty', () => {
  const p = bareProcess();
  p.workdir = 'relative/./dir/';
  assert.equal(buildSpec(specInput(p)).spec.process!.cwd, 'relative/./dir/');
});

test('root path uses the process name under the job bundle dir', () => {
  const { spec } = buildSpec(specInput(bareProcess('worker'), { job: 'web' }));
  assert.equal(spec.root!.path, '/var/vcap/data/bpm/bundles/web/worker/rootfs');
  assert.equal(spec.process!.cwd, '/var/vcap/jobs/web');
});

test('capabilities: CAP_ prefix verbatim, same list in bounding/inheritable/permitted/ambient, never effective', () => {
  const p = bareProcess();
  p.capabilities = ['NET_BIND_SERVICE', 'net_raw', 'CAP_X', 'NET_BIND_SERVICE'];
  const caps = buildSpec(specInput(p)).spec.process!.capabilities!;
  const want = ['CAP_NET_BIND_SERVICE', 'CAP_net_raw', 'CAP_CAP_X', 'CAP_NET_BIND_SERVICE'];
  assert.deepEqual(caps, { bounding: want, inheritable: want, permitted: want, ambient: want });
  assert.deepEqual(Object.keys(caps), ['bounding', 'inheritable', 'permitted', 'ambient']);
  assert.equal('effective' in caps, false);
  assert.deepEqual(buildSpec(specInput(bareProcess())).spec.process!.capabilities, {});
});

test('rlimits: NOFILE then CORE, soft = hard, each only when set, 64-bit exact; omitted when none', () => {
  const p = bareProcess();
  assert.equal(buildSpec(specInput(p)).spec.process!.rlimits, undefined);
  p.limits = { coreFileSize: 18446744073709551615n, openFiles: 0n };
  assert.deepEqual(buildSpec(specInput(p)).spec.process!.rlimits, [
    { type: 'RLIMIT_NOFILE', hard: 0n, soft: 0n },
    { type: 'RLIMIT_CORE', hard: 18446744073709551615n, soft: 18446744073709551615n },
  ]);
  p.limits = { coreFileSize: 0n };
  assert.deepEqual(buildSpec(specInput(p)).spec.process!.rlimits, [
    { type: 'RLIMIT_CORE', hard: 0n, soft: 0n },
  ]);
});

test('resources: {} when no limits; memory without swap when the host cannot limit swap; pids any integer', () => {
  const p = bareProcess();
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.resources, {});
  p.limits = { memory: '1.5G', processes: -1n };
  assert.deepEqual(buildSpec(specInput(p, { features: { swapLimit: false } })).spec.linux!.resources, {
    memory: { limit: 1610612736n },
    pids: { limit: -1n },
  });
  p.limits = { memory: '0M', processes: 0n };
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.resources, {
    memory: { limit: 0n, swap: 0n },
    pids: { limit: 0n },
  });
  p.limits = { memory: '743m' };
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.resources, {
    memory: { limit: 779091968n, swap: 779091968n },
  });
});

test('memory: above 2^63 bytes wraps to a negative int64 as upstream does', () => {
  const p = bareProcess();
  p.limits = { memory: '8E' }; // 2^63
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.resources!.memory, {
    limit: -9223372036854775808n,
    swap: -9223372036854775808n,
  });
});

test('a bad memory limit propagates the exact parse error', () => {
  const p = bareProcess();
  for (const bad of ['1024', '1 G', '1e3M', '-1M', 'lots']) {
    p.limits = { memory: bad };
    assert.throws(
      () => buildSpec(specInput(p)),
      (err: unknown) =>
        err instanceof Error &&
        err.message ===
          'byte quantity must be a positive integer with a unit of measurement like M, MB, MiB, G, GiB, or GB',
      bad,
    );
  }
});

test('host_pid_namespace drops only the pid namespace; privileged keeps it', () => {
  const p = bareProcess();
  p.unsafe = { privileged: false, unrestrictedVolumes: [], hostPidNamespace: true };
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.namespaces, [
    { type: 'ipc' },
    { type: 'mount' },
    { type: 'uts' },
  ]);
  p.unsafe = { privileged: true, unrestrictedVolumes: [], hostPidNamespace: false };
  assert.deepEqual(buildSpec(specInput(p)).spec.linux!.namespaces, [
    { type: 'ipc' },
    { type: 'mount' },
    { type: 'uts' },
    { type: 'pid' },
  ]);
});

test('seccomp omitted when the host cannot use it (Rosetta); everything else stays', () => {
  const { spec } = buildSpec(specInput(bareProcess(), { features: { seccomp: false } }));
  assert.equal(spec.linux!.seccomp, undefined);
  assert.equal(spec.process!.noNewPrivileges, true);
  assert.equal(spec.linux!.maskedPaths!.length, 7);
});

test('cgroupsPath: omitted without a cgroup v2 path, joined, or the systemd form', () => {
  assert.equal(
    buildSpec(specInput(bareProcess(), { features: { ownCgroup: undefined } })).spec.linux!.cgroupsPath,
    undefined,
  );
  assert.equal(
    buildSpec(specInput(bareProcess('uaa'), { features: { ownCgroup: '/garden/abc-123/' } })).spec.linux!
      .cgroupsPath,
    '/garden/abc-123/bpm-uaa',
  );
  assert.equal(
    buildSpec(
      specInput(bareProcess('uaa'), {
        features: { ownCgroup: '/system.slice/garden-abc.scope/monit.service', systemd: true },
      }),
    ).spec.linux!.cgroupsPath,
    'system.slice:garden-abc-scope-bpm:bpm-uaa',
  );
});

test('resolvconf mounts (noexec, ro) follow the system dirs when the host has them', () => {
  const { spec } = buildSpec(
    specInput(bareProcess(), { features: { resolvconf: true, systemdResolve: true } }),
  );
  const dests = spec.mounts!.map((m) => m.destination);
  const opts = ['bind', 'noexec', 'nosuid', 'nodev', 'ro'];
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/run/resolvconf'),
    {
      destination: '/run/resolvconf',
      type: 'bind',
      source: '/run/resolvconf',
      options: opts,
    },
  );
  assert.deepEqual(spec.mounts!.find((m) => m.destination === '/run/systemd/resolve')!.options, opts);
  // depth 3 (/run/resolvconf) sorts with /var/tmp; depth 4 with /var/vcap/packages.
  assert.ok(dests.indexOf('/run/resolvconf') < dests.indexOf('/var/tmp'));
  assert.ok(dests.indexOf('/run/systemd/resolve') < dests.indexOf('/var/vcap/data/packages'));
  const without = buildSpec(specInput(bareProcess())).spec.mounts!.map((m) => m.destination);
  assert.ok(!without.includes('/run/resolvconf') && !without.includes('/run/systemd/resolve'));
});

test('BOSH mounts without disks; persistent disk adds the store mount', () => {
  const dests = (p = bareProcess()) =>
    buildSpec(specInput(p))
      .spec.mounts!.slice(12)
      .map((m) => m.destination);
  assert.deepEqual(dests(), [
    '/tmp',
    '/var/tmp',
    '/var/vcap/packages',
    '/var/vcap/data/packages',
    '/var/vcap/jobs/web',
    '/var/vcap/data/web/tmp',
    '/var/vcap/sys/log/web',
  ]);
  const p = bareProcess();
  p.persistentDisk = true;
  const { spec } = buildSpec(specInput(p));
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/var/vcap/store/web'),
    rw('/var/vcap/store/web', '/var/vcap/store/web'),
  );
  assert.ok(!spec.mounts!.some((m) => m.destination === '/var/vcap/data/web'));
});

test('overridden BOSH root: sources under R, destinations stay /var/vcap, volumes untranslated', () => {
  const p = bareProcess('web');
  p.ephemeralDisk = true;
  p.persistentDisk = true;
  p.additionalVolumes = [volume('/tmp/r1/data/web/cache', { writable: true, allowExecutions: true })];
  const { spec } = buildSpec(specInput(p, { root: '/tmp/r1' }));
  const binds = spec.mounts!.slice(12);
  assert.deepEqual(
    binds.map((m) => [m.source, m.destination]),
    [
      ['/tmp/r1/data/web/tmp', '/tmp'],
      ['/tmp/r1/data/web/tmp', '/var/tmp'],
      ['/tmp/r1/packages', '/var/vcap/packages'],
      ['/tmp/r1/data/packages', '/var/vcap/data/packages'],
      ['/tmp/r1/jobs/web', '/var/vcap/jobs/web'],
      ['/tmp/r1/data/web', '/var/vcap/data/web'],
      ['/tmp/r1/store/web', '/var/vcap/store/web'],
      ['/tmp/r1/data/web/tmp', '/var/vcap/data/web/tmp'],
      ['/tmp/r1/sys/log/web', '/var/vcap/sys/log/web'],
      ['/tmp/r1/data/web/cache', '/tmp/r1/data/web/cache'],
    ],
  );
  assert.deepEqual(binds.at(-1)!.options, ['rbind', 'exec', 'nosuid', 'nodev', 'rw']);
});

test('additional volumes: rbind, exec iff allow_executions, rw iff writable; mount_only/shared change nothing', () => {
  const p = bareProcess('web');
  p.additionalVolumes = [
    volume('/var/vcap/data/a'),
    volume('/var/vcap/data/b', { allowExecutions: true, mountOnly: true, shared: true }),
  ];
  const m = buildSpec(specInput(p)).spec.mounts!;
  assert.deepEqual(m.find((x) => x.destination === '/var/vcap/data/a')!.options, [
    'rbind',
    'noexec',
    'nosuid',
    'nodev',
    'ro',
  ]);
  assert.deepEqual(
    m.find((x) => x.destination === '/var/vcap/data/b'),
    {
      destination: '/var/vcap/data/b',
      type: 'bind',
      source: '/var/vcap/data/b',
      options: ['rbind', 'exec', 'nosuid', 'nodev', 'ro'],
    },
  );
});

test('duplicate destinations: first wins and is reported; e.g. a volume at the job dir', () => {
  const p = bareProcess('web');
  p.additionalVolumes = [volume('/var/vcap/jobs/web', { writable: true }), volume('/etc')];
  const { spec, duplicateMounts } = buildSpec(specInput(p));
  assert.deepEqual(duplicateMounts, ['/var/vcap/jobs/web', '/etc']);
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/var/vcap/jobs/web'),
    ro('/var/vcap/jobs/web'),
  );
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/etc'),
    ro('/etc'),
  );
  assert.equal(spec.mounts!.filter((m) => m.destination === '/etc').length, 1);
});

test('unrestricted volumes: below any applicable BOSH destination dropped, component-wise', () => {
  const p = bareProcess('service-metrics');
  const u = (path: string) => volume(path, { writable: true });
  const unrestricted = [
    u('/var/vcap/jobs/service-metrics-adapter/config'),
    u('/var/vcap/jobs/service-metrics/config'),
    u('/var/vcap/jobs/service-metrics'),
    u('/tmp/x'),
    u('/var/tmp'),
    u('/var/vcap/packages/foo'),
    u('/var/vcap/data/packages'),
    u('/var/vcap/sys/log/service-metrics/x'),
    u('/var/vcap/data/service-metrics/tmp/y'),
    u('/var/vcap/data/service-metrics/z'),
    u('/var/vcap/store/service-metrics'),
    u('/var/vcap/jobs'),
    u('/tmpfoo'),
    u('/dev/log'),
  ];
  const dests = (o: { eph?: boolean; pers?: boolean; root?: string } = {}) => {
    p.ephemeralDisk = o.eph ?? false;
    p.persistentDisk = o.pers ?? false;
    const base = new Set(buildSpec(specInput(p, { root: o.root })).spec.mounts!.map((m) => m.destination));
    const { spec } = buildSpec(specInput(p, { unrestricted, root: o.root }));
    return spec.mounts!.map((m) => m.destination).filter((d) => !base.has(d));
  };
  assert.deepEqual(dests().sort(), [
    '/dev/log',
    '/tmpfoo',
    '/var/vcap/data/service-metrics/z',
    '/var/vcap/jobs',
    '/var/vcap/jobs/service-metrics-adapter/config',
    '/var/vcap/store/service-metrics',
  ]);
  assert.deepEqual(dests({ eph: true, pers: true }).sort(), [
    '/dev/log',
    '/tmpfoo',
    '/var/vcap/jobs',
    '/var/vcap/jobs/service-metrics-adapter/config',
  ]);
  // With an overridden root, host paths under R are not filtered (only internal destinations are).
  p.ephemeralDisk = false;
  const { spec } = buildSpec(
    specInput(p, {
      root: '/tmp/r1',
      unrestricted: [u('/tmp/r1/jobs/service-metrics/x'), u('/var/vcap/jobs/service-metrics/y')],
    }),
  );
  assert.deepEqual(
    spec
      .mounts!.filter((m) => m.source?.endsWith('/x') || m.source?.endsWith('/y'))
      .map((m) => m.destination),
    [],
    '/tmp/r1/... is below /tmp, and /var/vcap/jobs/service-metrics/y below the job dir',
  );
  const { spec: s2 } = buildSpec(
    specInput(p, { root: '/srv/r1', unrestricted: [u('/srv/r1/jobs/service-metrics/x')] }),
  );
  assert.ok(s2.mounts!.some((m) => m.destination === '/srv/r1/jobs/service-metrics/x'));
});

test('unrestricted volumes: options of the volume, rbind, never deduplicated ahead of BOSH mounts', () => {
  const p = bareProcess('web');
  p.additionalVolumes = [volume('/var/vcap/data/shared')];
  const unrestricted = [
    volume('/var/vcap/data/shared', { writable: true }),
    volume('/dev/log', { allowExecutions: true }),
  ];
  const { spec, duplicateMounts } = buildSpec(specInput(p, { unrestricted }));
  assert.deepEqual(duplicateMounts, ['/var/vcap/data/shared']);
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/var/vcap/data/shared')!.options!.at(-1),
    'ro',
  );
  assert.deepEqual(
    spec.mounts!.find((m) => m.destination === '/dev/log'),
    {
      destination: '/dev/log',
      type: 'bind',
      source: '/dev/log',
      options: ['rbind', 'exec', 'nosuid', 'nodev', 'ro'],
    },
  );
});

test('bind mounts sort by destination.split("/") length, ties in collection order', () => {
  const p = bareProcess('web');
  p.additionalVolumes = [volume('/a/b/c/d/e/f/g'), volume('/z'), volume('/a/b/'), volume('/m/n')];
  const dests = buildSpec(specInput(p))
    .spec.mounts!.slice(6)
    .map((m) => m.destination);
  assert.deepEqual(dests, [
    '/bin',
    '/etc',
    '/lib',
    '/lib64',
    '/sbin',
    '/usr',
    '/tmp',
    '/z',
    '/var/tmp',
    '/m/n',
    '/var/vcap/packages',
    '/a/b/', // 4 elements: '', a, b, ''
    '/var/vcap/data/packages',
    '/var/vcap/jobs/web',
    '/var/vcap/data/web/tmp',
    '/var/vcap/sys/log/web',
    '/a/b/c/d/e/f/g',
  ]);
});

test('BpmError is what memory errors are when config/memory throws one', () => {
  const p = bareProcess();
  p.limits = { memory: 'x' };
  assert.throws(() => buildSpec(specInput(p)), BpmError);
});

test('mountSources: staged sources replace host paths; destinations, options and order stay', () => {
  const input = specInput(myjobProcess());
  const plain = buildSpec(input).spec.mounts ?? [];
  const tmp = '/var/vcap/data/myjob/tmp';
  const staged =
    buildSpec({ ...input, mountSources: new Map([[tmp, '/var/vcap/data/bpm/mounts/myjob/myjob/0']]) }).spec
      .mounts ?? [];
  assert.deepEqual(
    staged.map((m) => ({ ...m, source: undefined })),
    plain.map((m) => ({ ...m, source: undefined })),
  );
  const changed = staged.filter((m, i) => m.source !== plain[i]?.source);
  assert.deepEqual(
    changed.map((m) => [m.destination, m.source]),
    ['/tmp', '/var/tmp', tmp].map((d) => [d, '/var/vcap/data/bpm/mounts/myjob/myjob/0']),
  );
});
