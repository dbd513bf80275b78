import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { goErrnoText, goPathErrorText } from '../../src/text/os-error.ts';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail('expected a throw');
}

test('errno codes map to Go texts', () => {
  const cases: Array<[string, string]> = [
    ['ENOENT', 'no such file or directory'],
    ['ENOTDIR', 'not a directory'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['EEXIST', 'file exists'],
    ['EISDIR', 'is a directory'],
    ['ELOOP', 'too many levels of symbolic links'],
    ['EROFS', 'read-only file system'],
    ['ENOSPC', 'no space left on device'],
  ];
  for (const [code, text] of cases)
    assert.equal(goErrnoText(Object.assign(new Error('x'), { code })), text, code);
});

test('unknown codes fall back to the system message, then the code, then the message', () => {
  assert.equal(goErrnoText({ code: 'EWHATEVER', errno: -2 }), 'no such file or directory');
  assert.equal(goErrnoText({ code: 'EWHATEVER' }), 'EWHATEVER');
  assert.equal(goErrnoText(new Error('plain')), 'plain');
  assert.equal(goErrnoText('str'), 'str');
});

test('path errors use the failing syscall as the operation', () => {
  const missing = '/nonexistent/bpm-test/file';
  assert.equal(
    goPathErrorText(
      missing,
      caught(() => readFileSync(missing)),
    ),
    `open ${missing}: no such file or directory`,
  );
  assert.equal(
    goPathErrorText(
      '/',
      caught(() => readFileSync('/')),
    ),
    'read /: is a directory',
  );
  assert.equal(goPathErrorText('/x', { code: 'EEXIST' }, 'mkdir'), 'mkdir /x: file exists');
  assert.equal(goPathErrorText('/x', { code: 'ENOENT' }), 'open /x: no such file or directory');
});
