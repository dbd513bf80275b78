import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ContainerIdError,
  containerId,
  decode,
  encode,
  lifecycleLockName,
} from '../../src/ids/container-id.ts';

test('encodes the upstream examples byte for byte', () => {
  const cases: Array<[string, string]> = [
    ['', 'bpm-'],
    ['test-server', 'bpm-test-server'],
    ['test_server', 'bpm-test_server'],
    ['test-server.alt-test-server', 'bpm-test-server.2ealt-test-server'],
    ['test-server!@*&', 'bpm-test-server.21.40.2a.26'],
    ['a b', 'bpm-a.20b'],
    ['é', 'bpm-.c3.a9'],
  ];
  for (const [input, id] of cases) assert.equal(encode(input), id, input);
});

test('container id collapses JOB.JOB to JOB, lock names never do', () => {
  assert.equal(containerId('web', 'web'), 'bpm-web');
  assert.equal(containerId('myjob', 'worker'), 'bpm-myjob.2eworker');
  assert.equal(lifecycleLockName('web', 'web'), 'job-bpm-web.2eweb.lock');
  assert.equal(lifecycleLockName('web', 'worker'), 'job-bpm-web.2eworker.lock');
});

test('decode round-trips any name, including non-ASCII', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (name) => {
      const id = encode(name);
      assert.match(id, /^[A-Za-z0-9_.-]+$/);
      assert.equal(decode(id), name);
    }),
    { numRuns: 2000 },
  );
  assert.equal(decode(containerId('日本', 'ワーカー')), '日本.ワーカー');
});

test('decode rejects foreign and malformed ids without crashing', () => {
  assert.throws(() => decode('other'), { message: 'invalid job ID (missing prefix): "other"' });
  assert.throws(() => decode('bpm-abc.'), { message: 'invalid job ID (incomplete escape sequence): "abc."' });
  assert.throws(() => decode('bpm-abc.2'), ContainerIdError);
  assert.equal(decode('bpm-a.zzb'), 'ab');
  fc.assert(
    fc.property(fc.string(), (id) => {
      try {
        decode(id);
      } catch (err) {
        assert.ok(err instanceof ContainerIdError);
      }
    }),
    { numRuns: 2000 },
  );
});
