import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateJobName, validateProcessName } from '../../src/ids/names.ts';

test('accepts ordinary names', () => {
  for (const n of ['web', 'my-job_1', 'a.b', 'é', '...']) {
    validateJobName(n);
    validateProcessName(n);
  }
});

test('rejects names that would escape or break paths', () => {
  assert.throws(() => validateJobName(''), { message: 'invalid job name "": must not be empty' });
  assert.throws(() => validateJobName('..'), { message: 'invalid job name "..": must not be ".."' });
  assert.throws(() => validateJobName('.'), { message: 'invalid job name ".": must not be "."' });
  assert.throws(() => validateJobName('../etc'), {
    message: 'invalid job name "../etc": must not contain "/"',
  });
  assert.throws(() => validateProcessName('a\0b'), {
    message: 'invalid process name "a\\x00b": must not contain a NUL byte',
  });
  assert.throws(() => validateProcessName('x'.repeat(4096)), /must be at most 255 bytes/);
});
