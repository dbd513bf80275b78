import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateJobArgs } from '../../src/cli/job-args.ts';
import { UsageError } from '../../src/errors.ts';

test('JOB is the first argument; PROC defaults to JOB when -p is missing or empty', () => {
  assert.deepEqual(validateJobArgs({ positional: ['web', 'extra'], flags: { process: '' } }), {
    job: 'web',
    process: 'web',
  });
  assert.deepEqual(validateJobArgs({ positional: ['web'], flags: { process: 'worker' } }), {
    job: 'web',
    process: 'worker',
  });
  assert.deepEqual(validateJobArgs({ positional: ['web'], flags: {} }), { job: 'web', process: 'web' });
});

test('no JOB: must specify a job, with usage', () => {
  assert.throws(
    () => validateJobArgs({ positional: [], flags: {} }),
    (err: unknown) => err instanceof UsageError && err.message === 'must specify a job' && err.showUsage,
  );
});

test('names are validated (policy fix #3)', () => {
  assert.throws(() => validateJobArgs({ positional: ['..'], flags: {} }), {
    message: 'invalid job name "..": must not be ".."',
  });
  assert.throws(() => validateJobArgs({ positional: ['web'], flags: { process: 'a/b' } }), {
    message: 'invalid process name "a/b": must not contain "/"',
  });
});
