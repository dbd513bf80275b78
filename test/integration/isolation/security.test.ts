// Who the process is and what it may do inside real runc containers: user, groups, capabilities,
// NoNewPrivs, seccomp, masked and read-only paths, privileged mode.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../../helpers/bosh-root.ts';
import { installCapFilteringRunc, runOnHostAsVcap, runProbe, vcapIds } from './probe.ts';

const skip = skipReason();

const STATUS = [
  'echo uid=$(id -u)',
  'echo gid=$(id -g)',
  `awk -F'\\t' '/^(Groups|NoNewPrivs|Seccomp|CapInh|CapPrm|CapEff|CapBnd|CapAmb):/ {sub(":", "", $1); print $1 "=" $2}' /proc/self/status`,
].join('\n');

// The spec's masked and read-only paths; only those the host kernel has can be checked (runc
// skips absent ones; this machine's kernel, for one, has no /proc/kcore).
const MASKED_FILES = [
  '/proc/kcore',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/timer_list',
  '/proc/timer_stats',
];
const MASKED_DIRS = ['/etc/sv', '/sys/firmware'];
const READONLY = ['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const present = (paths: string[]): string[] => paths.filter((p) => existsSync(p));

/** `masked:P=<type>:<bytes readable>`, `maskeddir:P=<entries>`, `ro:P=<mount options>` lines. */
const PATHS = [
  ...present(MASKED_FILES).map(
    (p) => `echo "masked:${p}=$(stat -c %F ${p}):$(head -c 16 ${p} 2>/dev/null | wc -c)"`,
  ),
  ...present(MASKED_DIRS).map((p) => `echo "maskeddir:${p}=$(ls -A ${p} 2>/dev/null | wc -l)"`),
  ...present(READONLY).map((p) => `echo "ro:${p}=$(awk '$5 == "${p}" {print $6}' /proc/self/mountinfo)"`),
  'if (echo 60 > /proc/sys/vm/swappiness) 2>/dev/null; then echo procsys_write=ok; else echo procsys_write=fail; fi',
].join('\n');

// Syscalls the profile leaves out, called directly through perl so that no tool's own uid checks
// interfere. x86-64 numbers: mount 165, unshare 272 (CLONE_NEWUSER 0x10000000, CLONE_NEWNS 0x20000),
// keyctl 250 (KEYCTL_GET_KEYRING_ID of the session keyring). Variables, not literals: perl's
// syscall() refuses read-only strings.
const SYSCALL_PERL = [
  'my ($s, $t, $f) = ("none", "/tmp/mnt", "tmpfs");',
  'for ([mount => sub { syscall(165, $s, $t, $f, 0, 0) }], [unshare_user => sub { syscall(272, 0x10000000) }],',
  '     [unshare_mount => sub { syscall(272, 0x20000) }], [keyctl => sub { syscall(250, 0, -3, 0) }]) {',
  '  my ($name, $call) = @$_; print "$name=", ($call->() >= 0 ? "ok" : "$!"), "\\n" }',
].join('\n');
const SYSCALLS = [
  'mkdir -p /tmp/mnt',
  `perl -e '${SYSCALL_PERL}'`,
  'if unshare -U true 2>/dev/null; then echo unshare_cmd=ok; else echo unshare_cmd=fail; fi',
].join('\n');

const EPERM = 'Operation not permitted';

/** Linux capability names by number, 0..37: exactly upstream's privileged list. */
const CAP_NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
];

/** Capability numbers 0..37 (the privileged list) missing from this process's bounding set. */
function missingPrivilegedCaps(): number[] {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('CapBnd:'));
  const bnd = BigInt(`0x${(line ?? 'CapBnd:\t0').split('\t')[1]}`);
  return Array.from({ length: 38 }, (_, i) => i).filter((i) => (bnd & (1n << BigInt(i))) === 0n);
}

/** Whether something on the host already listens on TCP port 80 (the bind test would then lie). */
function port80Busy(): boolean {
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((f) => {
    try {
      return readFileSync(f, 'utf8')
        .split('\n')
        .some((l) => {
          const cols = l.trim().split(/\s+/);
          return (cols[1] ?? '').endsWith(':0050') && cols[3] === '0A';
        });
    } catch {
      return false;
    }
  });
}

/** Why the port-80 test cannot tell anything on this host, or false. */
function port80Unusable(): string | false {
  if (port80Busy()) return 'something on this host already listens on port 80';
  const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim());
  if (start <= 80) return `net.ipv4.ip_unprivileged_port_start is ${start}: anyone may bind port 80 here`;
  return false;
}

const BIND80 = `perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 80, Proto => "tcp", Listen => 1, ReuseAddr => 1); if ($s) { print "bind80=ok\\n"; close $s } else { print "bind80=$!\\n" }'`;

describe('isolation: identity, capabilities, seccomp, masked paths', { skip }, () => {
  let r: BoshRoot;
  const vcap = vcapIds();
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('runs as vcap, no supplementary groups, NoNewPrivs 1, no capabilities, seccomp mode 2', async () => {
    const p = await runProbe(r, 'ident', {}, STATUS);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.deepEqual(p.out, {
      uid: String(vcap.uid),
      gid: String(vcap.gid),
      Groups: '',
      NoNewPrivs: '1',
      Seccomp: '2',
      CapInh: '0000000000000000',
      CapPrm: '0000000000000000',
      CapEff: '0000000000000000',
      CapBnd: '0000000000000000',
      CapAmb: '0000000000000000',
    });
  });

  test('masked paths are masked and readonly paths are read-only', async () => {
    const p = await runProbe(r, 'masked', {}, PATHS);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.ok(present([...MASKED_FILES, ...MASKED_DIRS]).length >= 2, 'too few masked paths on this host');
    // /dev/null is bound over masked files: a character device with nothing to read.
    for (const f of present(MASKED_FILES)) assert.equal(p.out[`masked:${f}`], 'character special file:0', f);
    for (const d of present(MASKED_DIRS)) assert.equal(p.out[`maskeddir:${d}`], '0', d);
    assert.ok(present(READONLY).includes('/proc/sys'));
    for (const ro of present(READONLY)) assert.match(p.out[`ro:${ro}`] ?? '', /^ro(,|$)/, ro);
    assert.equal(p.out.procsys_write, 'fail');
  });

  test('capabilities: [NET_BIND_SERVICE] lets vcap bind 127.0.0.1:80; without it, it cannot', {
    skip: port80Unusable(),
  }, async () => {
    const withCap = await runProbe(r, 'bind', { capabilities: ['NET_BIND_SERVICE'] }, `${STATUS}\n${BIND80}`);
    assert.equal(withCap.res.code, 0, withCap.res.stderr);
    assert.equal(withCap.out.bind80, 'ok');
    assert.equal(withCap.out.uid, String(vcap.uid));
    assert.equal(withCap.out.CapEff, '0000000000000400'); // bit 10, ambient → effective
    assert.equal(withCap.out.CapBnd, '0000000000000400');

    const without = await runProbe(r, 'nobind', {}, BIND80);
    assert.equal(without.res.code, 0, without.res.stderr);
    assert.equal(without.out.bind80, 'Permission denied');
  });

  test('seccomp refuses mount, unshare and keyctl, even holding CAP_SYS_ADMIN', async () => {
    const p = await runProbe(r, 'seccomp', { capabilities: ['SYS_ADMIN'] }, `${STATUS}\n${SYSCALLS}`);
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.uid, String(vcap.uid));
    assert.equal(p.out.CapEff, '0000000000200000'); // CAP_SYS_ADMIN is held: EPERM is not missing caps
    assert.equal(p.out.Seccomp, '2');
    assert.deepEqual(
      [p.out.mount, p.out.unshare_user, p.out.unshare_mount, p.out.keyctl, p.out.unshare_cmd],
      [EPERM, EPERM, EPERM, EPERM, 'fail'],
    );

    // Control: on the host, the same vcap user holding the same CAP_SYS_ADMIN but no seccomp
    // filter (in a mount namespace of its own) may make every one of these calls.
    const host = runOnHostAsVcap(['perl', '-e', SYSCALL_PERL.replace('/tmp/mnt', '/mnt')], ['sys_admin']);
    assert.equal(host.stdout, 'mount=ok\nunshare_user=ok\nunshare_mount=ok\nkeyctl=ok\n', host.stderr);
    assert.equal(runOnHostAsVcap(['unshare', '-U', 'true']).code, 0, 'host: unshare -U as vcap');
  });

  test('privileged runs as root without seccomp, NoNewPrivs or masked/readonly paths', async () => {
    const script = `${STATUS}\n${PATHS}\n${SYSCALLS}`;
    let p = await runProbe(r, 'priv', { unsafe: { privileged: true } }, script);
    const missing = missingPrivilegedCaps();
    if (missing.length > 0) {
      // runc must grant all 38 privileged capabilities and cannot exceed its own bounding set (this
      // sandbox lacks some): the real runc refuses, so the rest is checked through a runc wrapper
      // that drops just those capabilities from the bundle bpm wrote.
      assert.equal(p.res.code, 1);
      assert.match(p.res.stderr, /unable to apply caps: operation not permitted/);
      const wrapped = BoshRoot.create();
      try {
        installCapFilteringRunc(
          wrapped,
          missing.map((n) => CAP_NAMES[n] ?? `CAP_${n}`),
        );
        p = await runProbe(wrapped, 'priv', { unsafe: { privileged: true } }, script);
      } finally {
        await wrapped.cleanup();
      }
    }
    assert.equal(p.res.code, 0, p.res.stderr);
    assert.equal(p.out.uid, '0');
    assert.equal(p.out.gid, '0');
    assert.equal(p.out.Seccomp, '0');
    assert.equal(p.out.NoNewPrivs, '0');
    const expectedBnd = ((1n << 38n) - 1n) & ~missing.reduce((m, n) => m | (1n << BigInt(n)), 0n);
    assert.equal(p.out.CapBnd, expectedBnd.toString(16).padStart(16, '0'));
    for (const f of present(MASKED_FILES))
      assert.match(p.out[`masked:${f}`] ?? '', /^regular (empty )?file:16$/, f);
    assert.equal(p.out['ro:/proc/sys'], '');
    // With no seccomp filter, root may do what the default profile refuses.
    assert.deepEqual(
      [p.out.mount, p.out.unshare_user, p.out.unshare_mount, p.out.keyctl, p.out.unshare_cmd],
      ['ok', 'ok', 'ok', 'ok', 'ok'],
    );
  });
});
