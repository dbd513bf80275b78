import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSpec } from '../../src/oci/build.ts';
import { PRIVILEGED_CAPABILITIES } from '../../src/oci/capabilities.ts';
import { bareProcess, myjobProcess, specInput, volume } from './input-fixture.ts';

function privileged(configure?: (p: ReturnType<typeof bareProcess>) => void) {
  const p = myjobProcess();
  p.unsafe = { privileged: true, unrestrictedVolumes: [], hostPidNamespace: false };
  configure?.(p);
  return buildSpec(specInput(p, { unrestricted: [volume('/dev/log', { writable: true })] }));
}

test('the 38 privileged capabilities, in Docker order', () => {
  assert.equal(PRIVILEGED_CAPABILITIES.length, 38);
  assert.equal(PRIVILEGED_CAPABILITIES[0], 'CAP_AUDIT_CONTROL');
  assert.equal(PRIVILEGED_CAPABILITIES[26], 'CAP_SYS_ADMIN');
  assert.equal(PRIVILEGED_CAPABILITIES[37], 'CAP_WAKE_ALARM');
  assert.equal(new Set(PRIVILEGED_CAPABILITIES).size, 38);
});

test('privileged: capabilities appended after configured ones (duplicates kept), effective unset', () => {
  const caps = privileged((p) => {
    p.capabilities = ['NET_ADMIN', 'CHOWN'];
  }).spec.process!.capabilities!;
  const want = ['CAP_NET_ADMIN', 'CAP_CHOWN', ...PRIVILEGED_CAPABILITIES];
  assert.deepEqual(caps, { bounding: want, inheritable: want, permitted: want, ambient: want });
  const none = privileged().spec.process!.capabilities!;
  assert.deepEqual(none.bounding, [...PRIVILEGED_CAPABILITIES]);
  assert.equal(none.effective, undefined);
});

test('privileged: root user without username, noNewPrivileges omitted', () => {
  const { process } = privileged().spec;
  assert.deepEqual(process!.user, { uid: 0, gid: 0 });
  assert.equal(process!.noNewPrivileges, undefined);
});

test('privileged: no seccomp, masked or readonly paths; rootfsPropagation, namespaces, resources, cgroupsPath kept', () => {
  const { linux } = privileged().spec;
  assert.deepEqual(Object.keys(linux!), ['resources', 'cgroupsPath', 'namespaces', 'rootfsPropagation']);
  assert.equal(linux!.seccomp, undefined);
  assert.equal(linux!.maskedPaths, undefined);
  assert.equal(linux!.readonlyPaths, undefined);
  assert.deepEqual(linux!.resources, {
    memory: { limit: 268435456n, swap: 268435456n },
    pids: { limit: 50n },
  });
  assert.equal(linux!.cgroupsPath, '/bpm-myjob');
  assert.equal(linux!.namespaces!.length, 4);
});

test('privileged: every mount loses nosuid and nothing else', () => {
  const normal = buildSpec(
    specInput(myjobProcess(), { unrestricted: [volume('/dev/log', { writable: true })] }),
  ).spec;
  const { spec } = privileged();
  assert.equal(spec.mounts!.length, normal.mounts!.length);
  spec.mounts!.forEach((m, i) => {
    const n = normal.mounts![i]!;
    assert.equal(m.destination, n.destination);
    assert.equal(m.source, n.source);
    assert.deepEqual(
      m.options,
      n.options?.filter((o) => o !== 'nosuid'),
    );
  });
  const by = (d: string) => spec.mounts!.find((m) => m.destination === d)!;
  assert.equal(by('/proc').options, undefined);
  assert.deepEqual(by('/dev').options, ['noexec', 'mode=755']);
  assert.deepEqual(by('/bin').options, ['bind', 'exec', 'nodev', 'ro']);
  assert.deepEqual(by('/dev/log').options, ['rbind', 'noexec', 'nodev', 'rw']);
});

test('privileged: env, cwd, args, rlimits and root unchanged', () => {
  const normal = buildSpec(specInput(myjobProcess())).spec;
  const { spec } = privileged();
  assert.deepEqual(spec.process!.env, normal.process!.env);
  assert.equal(spec.process!.cwd, normal.process!.cwd);
  assert.deepEqual(spec.process!.args, normal.process!.args);
  assert.deepEqual(spec.process!.rlimits, normal.process!.rlimits);
  assert.deepEqual(spec.root, normal.root);
});

test('privileged with host_pid_namespace: both apply independently', () => {
  const p = bareProcess();
  p.unsafe = { privileged: true, unrestrictedVolumes: [], hostPidNamespace: true };
  const { spec } = buildSpec(specInput(p));
  assert.deepEqual(spec.linux!.namespaces, [{ type: 'ipc' }, { type: 'mount' }, { type: 'uts' }]);
  assert.deepEqual(spec.process!.user, { uid: 0, gid: 0 });
});
