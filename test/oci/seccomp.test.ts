import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECCOMP_RULE_NAMES, seccompProfile } from '../../src/oci/seccomp.ts';

const profile = seccompProfile();
const syscalls = profile.syscalls!;
const names = syscalls.map((s) => s.names[0]);

test('profile header: default errno (no defaultErrnoRet), three x86 architectures', () => {
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(profile.defaultErrnoRet, undefined);
  assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(Object.keys(profile), ['defaultAction', 'architectures', 'syscalls']);
});

test('exactly 316 rules, one name each, 314 distinct names (personality x3)', () => {
  assert.equal(syscalls.length, 316);
  assert.equal(SECCOMP_RULE_NAMES.length, 316);
  for (const s of syscalls) assert.equal(s.names.length, 1);
  assert.equal(new Set(names).size, 314);
  assert.equal(names.filter((n) => n === 'personality').length, 3);
});

test('order spot checks', () => {
  assert.equal(names[0], '_llseek');
  assert.equal(names[1], '_newselect');
  assert.equal(names[8], 'brk');
  assert.equal(names[19], 'clone');
  assert.equal(names[20], 'clone3');
  assert.equal(names.at(-1), 'writev');
  assert.equal(names.at(-4), 'waitid');
  const at = (n: string) => names.indexOf(n);
  assert.equal(at('statx'), at('stat') + 1);
  assert.equal(at('stat64'), at('statx') + 1);
  assert.equal(at('openat2'), at('openat') + 1);
  assert.equal(at('preadv2'), at('preadv') + 1);
  assert.equal(at('pwritev2'), at('pwritev') + 1);
  assert.deepEqual(names.slice(at('pause'), at('pause') + 5), [
    'pause',
    'personality',
    'personality',
    'personality',
    'pipe',
  ]);
});

test('omits the dangerous calls', () => {
  for (const n of [
    'mount',
    'umount2',
    'pivot_root',
    'unshare',
    'setns',
    'ptrace',
    'bpf',
    'keyctl',
    'init_module',
    'reboot',
    'sethostname',
    'clock_settime',
    'io_uring_setup',
    'faccessat2',
    'close_range',
    'userfaultfd',
  ]) {
    assert.ok(!names.includes(n), n);
  }
});

test('every ordinary rule is a plain allow', () => {
  for (const s of syscalls) {
    if (['clone', 'clone3', 'personality'].includes(s.names[0]!)) continue;
    assert.deepEqual(s, { names: s.names, action: 'SCMP_ACT_ALLOW' });
  }
});

test('clone: allowed only without namespace flags (masked equality on arg 0)', () => {
  assert.deepEqual(syscalls[19], {
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value: 2080505856n, op: 'SCMP_CMP_MASKED_EQ' }],
  });
  assert.equal(0x20000n | 0x4000000n | 0x8000000n | 0x10000000n | 0x20000000n | 0x40000000n, 2080505856n);
});

test('clone3: ENOSYS so libc falls back to clone', () => {
  assert.deepEqual(syscalls[20], { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
});

test('personality: PER_LINUX, query, PER_LINUX32, in that order', () => {
  const rules = syscalls.filter((s) => s.names[0] === 'personality');
  assert.deepEqual(
    rules.map((r) => r.args),
    [0n, 4294967295n, 8n].map((value) => [{ index: 0, value, op: 'SCMP_CMP_EQ' }]),
  );
  for (const r of rules) assert.equal(r.action, 'SCMP_ACT_ALLOW');
});

test('each call returns a fresh profile', () => {
  const a = seccompProfile();
  a.syscalls!.pop();
  assert.equal(seccompProfile().syscalls!.length, 316);
});
