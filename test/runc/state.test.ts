import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuncError } from '../../src/runc/errors.ts';
import { interpretList, interpretState } from '../../src/runc/state.ts';

const ok = { code: 0, signal: null };
const fail = { code: 1, signal: null };
const buf = (s: string) => Buffer.from(s);

test('state: a running container', () => {
  const out = buf('{"ociVersion":"1.0.2","id":"bpm-web","pid":4242,"status":"running","bundle":"/b"}\n');
  assert.deepEqual(interpretState(ok, out), {
    exists: true,
    state: { id: 'bpm-web', pid: 4242, status: 'running' },
  });
});

test('state: "container does not exist" in one JSON log line, key matched case-insensitively', () => {
  const line = '{"level":"error","msg":"container does not exist","time":"2026-11-23T12:15:03Z"}\n';
  assert.deepEqual(interpretState(fail, buf(line)), { exists: false });
  assert.deepEqual(interpretState(fail, buf('{"MSG":"container does not exist"}')), { exists: false });
});

test('state: any other failure is the exit status, also several log lines that mention it', () => {
  assert.throws(() => interpretState(fail, buf('{"level":"error","msg":"unexpected EOF"}\n')), {
    message: 'exit status 1',
  });
  const two = '{"msg":"container does not exist"}\n{"msg":"container does not exist"}\n';
  assert.throws(() => interpretState(fail, buf(two)), { message: 'exit status 1' });
  assert.throws(() => interpretState({ code: null, signal: 'SIGKILL' }, buf('')), {
    message: 'signal: killed',
  });
});

test('state: exit 0 with bad JSON is the JSON error', () => {
  assert.throws(() => interpretState(ok, buf('{"id":')), RuncError);
  assert.throws(() => interpretState(ok, buf('[]')), {
    message: 'invalid runc state output: not a JSON object',
  });
});

test('list: null means none, entries keep runc order and foreign ids', () => {
  assert.deepEqual(interpretList(ok, buf('null\n')), []);
  const out = buf('[{"id":"bpm-a","pid":0,"status":"stopped"},{"id":"x.","pid":7,"status":"running"}]');
  assert.deepEqual(interpretList(ok, out), [
    { id: 'bpm-a', pid: 0, status: 'stopped' },
    { id: 'x.', pid: 7, status: 'running' },
  ]);
});

test('list: failure and junk', () => {
  assert.throws(() => interpretList({ code: 2, signal: null }, buf('')), { message: 'exit status 2' });
  assert.throws(() => interpretList(ok, buf('{}')), /not a JSON array/);
  assert.throws(() => interpretList(ok, buf('[{"id":1}]')), /must be strings/);
});
