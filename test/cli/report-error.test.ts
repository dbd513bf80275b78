import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportError } from '../../src/cli/report-error.ts';
import { BpmError, ExitStatusError, SilentUsageError, UsageError } from '../../src/errors.ts';

function capture(err: unknown, usage: string | undefined): { text: string; code: number } {
  let text = '';
  const code = reportError(err, usage, { write: (t) => (text += t) });
  return { text, code };
}

const USAGE = 'Usage:\n  bpm x\n';

test('usage, blank line, Error line for usage errors', () => {
  assert.deepEqual(capture(new UsageError('must specify a job'), USAGE), {
    text: `${USAGE}\nError: must specify a job\n`,
    code: 1,
  });
});

test('no usage when suppressed', () => {
  assert.deepEqual(capture(new BpmError('logs not found'), USAGE), {
    text: 'Error: logs not found\n',
    code: 1,
  });
});

test('silent usage error: the usage block only', () => {
  assert.deepEqual(capture(new SilentUsageError(), USAGE), { text: USAGE, code: 1 });
});

test('exit status of the error', () => {
  assert.equal(
    capture(new ExitStatusError('failed to run job-process: exit status 6 (exit status 6)', 6), USAGE).code,
    6,
  );
});

test('unexpected exceptions become one Error line, no stack', () => {
  const saved = process.env['BPM_DEBUG'];
  delete process.env['BPM_DEBUG'];
  try {
    const r = capture(new TypeError("Cannot read properties of undefined (reading 'x')"), USAGE);
    assert.deepEqual(r, { text: "Error: Cannot read properties of undefined (reading 'x')\n", code: 1 });
    assert.deepEqual(capture('plain string', undefined), { text: 'Error: plain string\n', code: 1 });
  } finally {
    if (saved !== undefined) process.env['BPM_DEBUG'] = saved;
  }
});

test('BPM_DEBUG=1 adds the stack', () => {
  const saved = process.env['BPM_DEBUG'];
  process.env['BPM_DEBUG'] = '1';
  try {
    const r = capture(new Error('boom'), undefined);
    assert.match(r.text, /^Error: boom\nError: boom\n {4}at /);
  } finally {
    if (saved === undefined) delete process.env['BPM_DEBUG'];
    else process.env['BPM_DEBUG'] = saved;
  }
});
