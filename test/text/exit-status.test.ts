import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCode, exitText, signalDescription } from '../../src/text/exit-status.ts';

test('exit texts read like Go os/exec', () => {
  assert.equal(exitText({ code: 6, signal: null }), 'exit status 6');
  assert.equal(exitText({ code: null, signal: 'SIGTERM' }), 'signal: terminated');
  assert.equal(exitText({ code: null, signal: 'SIGKILL' }), 'signal: killed');
  assert.equal(exitText({ code: null, signal: 'SIGINT' }), 'signal: interrupt');
  assert.equal(signalDescription('SIGSYS'), 'bad system call');
});

test('exit code is -1 for a signal', () => {
  assert.equal(exitCode({ code: 3, signal: null }), 3);
  assert.equal(exitCode({ code: null, signal: 'SIGQUIT' }), -1);
});
