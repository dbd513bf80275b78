import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildSpec } from '../../src/oci/build.ts';
import { serializeSpec } from '../../src/oci/serialize.ts';
import type { OciSpec } from '../../src/oci/types.ts';
import { bareProcess, myjobProcess, specInput } from './input-fixture.ts';

// Generated independently from the spec text by test/fixtures/oci/make-golden.py.
const GOLDEN = new URL('../fixtures/oci/myjob-config.json', import.meta.url);

test('§7 example serialises byte for byte like the golden file', () => {
  const text = serializeSpec(buildSpec(specInput(myjobProcess())).spec);
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
  assert.ok(text.endsWith('\n\t}\n}\n'));
});

test('output parses back to the same content', () => {
  const text = serializeSpec(buildSpec(specInput(myjobProcess())).spec);
  const parsed = JSON.parse(text);
  assert.equal(parsed.linux.seccomp.syscalls.length, 316);
  assert.equal(parsed.linux.resources.memory.limit, 268435456);
});

test('empty capabilities and resources print as {}; empty/false keys are omitted', () => {
  const p = bareProcess();
  p.unsafe = { privileged: true, unrestrictedVolumes: [], hostPidNamespace: false };
  const { spec } = buildSpec(specInput(p, { features: { ownCgroup: undefined } }));
  spec.process!.capabilities = {};
  const text = serializeSpec(spec);
  assert.match(text, /\n\t\t"capabilities": \{\}\n\t\},\n\t"root"/);
  assert.match(text, /\n\t\t"resources": \{\},\n\t\t"namespaces": \[/);
  assert.match(text, /\n\t\t"user": \{\n\t\t\t"uid": 0,\n\t\t\t"gid": 0\n\t\t\},\n/);
  for (const absent of [
    'noNewPrivileges',
    'rlimits',
    'cgroupsPath',
    'seccomp',
    'maskedPaths',
    'readonlyPaths',
    'username',
  ]) {
    assert.ok(!text.includes(`"${absent}"`), absent);
  }
  assert.match(
    text,
    /\n\t\t\{\n\t\t\t"destination": "\/proc",\n\t\t\t"type": "proc",\n\t\t\t"source": "proc"\n\t\t\},\n/,
  );
});

test('key order follows the Go structs regardless of construction order', () => {
  const spec: OciSpec = {
    linux: {
      rootfsPropagation: 'private',
      resources: { pids: { limit: 5n }, memory: { swap: 2n, limit: 1n } },
    },
    mounts: [{ options: ['ro'], source: 's', type: 'bind', destination: '/d' }],
    root: { path: '/r', readonly: false },
    process: {
      cwd: '/',
      env: ['A=b'],
      args: ['x'],
      user: { username: 'u', gid: 2, uid: 1 },
      noNewPrivileges: false,
    },
    ociVersion: '1.3.0',
  };
  assert.equal(
    serializeSpec(spec),
    [
      '{',
      '\t"ociVersion": "1.3.0",',
      '\t"process": {',
      '\t\t"user": {',
      '\t\t\t"uid": 1,',
      '\t\t\t"gid": 2,',
      '\t\t\t"username": "u"',
      '\t\t},',
      '\t\t"args": [',
      '\t\t\t"x"',
      '\t\t],',
      '\t\t"env": [',
      '\t\t\t"A=b"',
      '\t\t],',
      '\t\t"cwd": "/"',
      '\t},',
      '\t"root": {',
      '\t\t"path": "/r"',
      '\t},',
      '\t"mounts": [',
      '\t\t{',
      '\t\t\t"destination": "/d",',
      '\t\t\t"type": "bind",',
      '\t\t\t"source": "s",',
      '\t\t\t"options": [',
      '\t\t\t\t"ro"',
      '\t\t\t]',
      '\t\t}',
      '\t],',
      '\t"linux": {',
      '\t\t"resources": {',
      '\t\t\t"memory": {',
      '\t\t\t\t"limit": 1,',
      '\t\t\t\t"swap": 2',
      '\t\t\t},',
      '\t\t\t"pids": {',
      '\t\t\t\t"limit": 5',
      '\t\t\t}',
      '\t\t},',
      '\t\t"rootfsPropagation": "private"',
      '\t}',
      '}',
      '',
    ].join('\n'),
  );
});

test('pointer fields keep zero values (memory 0, pids 0); seccomp rules render args and errnoRet', () => {
  const p = bareProcess();
  p.limits = { memory: '0M', processes: 0n, openFiles: 0n };
  const text = serializeSpec(buildSpec(specInput(p, { features: { swapLimit: false } })).spec);
  assert.match(
    text,
    /"memory": \{\n\t\t\t\t"limit": 0\n\t\t\t\},\n\t\t\t"pids": \{\n\t\t\t\t"limit": 0\n\t\t\t\}/,
  );
  assert.match(text, /"type": "RLIMIT_NOFILE",\n\t\t\t\t"hard": 0,\n\t\t\t\t"soft": 0\n/);
  assert.ok(
    text.includes(
      '{\n\t\t\t\t\t"names": [\n\t\t\t\t\t\t"clone3"\n\t\t\t\t\t],\n\t\t\t\t\t"action": "SCMP_ACT_ERRNO",\n\t\t\t\t\t"errnoRet": 38\n\t\t\t\t}',
    ),
  );
  assert.ok(
    text.includes(
      '"action": "SCMP_ACT_ALLOW",\n\t\t\t\t\t"args": [\n\t\t\t\t\t\t{\n\t\t\t\t\t\t\t"index": 0,\n\t\t\t\t\t\t\t"value": 0,\n\t\t\t\t\t\t\t"op": "SCMP_CMP_EQ"\n',
    ),
  );
});

test('env values with <, >, & and U+2028 are escaped the Go way; 64-bit limits exact', () => {
  const p = bareProcess();
  p.env = new Map([['Q', 'a<b>&c\u2028']]);
  p.limits = { coreFileSize: 18446744073709551615n };
  const text = serializeSpec(buildSpec(specInput(p)).spec);
  assert.ok(text.includes('"Q=a\\u003cb\\u003e\\u0026c\\u2028"'));
  assert.ok(text.includes('"hard": 18446744073709551615,'));
});
