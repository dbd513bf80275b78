import assert from 'node:assert/strict';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lookPath, runPreStartHook } from '../../src/lifecycle/hook.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-hook-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('lookPath searches bpm PATH for bare names only', () => {
  const file = join(dir, 'myhook');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  assert.equal(lookPath('myhook', `/nonexistent:${dir}`), file);
  assert.equal(lookPath('/abs/path', dir), '/abs/path');
  assert.throws(() => lookPath('nope', dir), { message: 'exec: "nope": executable file not found in $PATH' });
});

test('the hook gets only the given environment and appends to the logs', async () => {
  const hook = join(dir, 'env-hook');
  writeFileSync(hook, '#!/bin/sh\necho "A=$A HOME=$HOME"\necho oops >&2\n');
  chmodSync(hook, 0o755);
  const out = join(dir, 'out.log');
  const err = join(dir, 'err.log');
  writeFileSync(out, 'before\n');
  const logs = { stdout: openSync(out, 'a'), stderr: openSync(err, 'a') };
  try {
    await runPreStartHook(hook, ['A=1', 'PATH=/usr/bin:/bin'], logs);
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
  assert.equal(readFileSync(out, 'utf8'), 'before\nA=1 HOME=\n');
  assert.equal(readFileSync(err, 'utf8'), 'oops\n');
});

test('failures read like upstream', async () => {
  const failing = join(dir, 'fail-hook');
  writeFileSync(failing, '#!/bin/sh\nexit 3\n');
  chmodSync(failing, 0o755);
  const logs = { stdout: openSync('/dev/null', 'a'), stderr: openSync('/dev/null', 'a') };
  try {
    await assert.rejects(runPreStartHook(failing, [], logs), {
      message: 'prestart hook failed: exit status 3',
    });
    await assert.rejects(runPreStartHook(join(dir, 'missing'), [], logs), {
      message: `prestart hook failed: fork/exec ${join(dir, 'missing')}: no such file or directory`,
    });
  } finally {
    closeSync(logs.stdout);
    closeSync(logs.stderr);
  }
});
