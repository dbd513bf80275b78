import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { commandPath, lookPath } from '../../src/go/exec.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-go-exec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tool = join(dir, 'tool');
writeFileSync(tool, '#!/bin/sh\n');
chmodSync(tool, 0o755);
const plain = join(dir, 'plain');
writeFileSync(plain, '');
chmodSync(plain, 0o644);
mkdirSync(join(dir, 'subdir'));
chmodSync(join(dir, 'subdir'), 0o755);

test('lookPath searches PATH in order for a bare name, skipping directories and non-executables', () => {
  const other = join(dir, 'other');
  mkdirSync(other);
  for (const name of ['plain', 'subdir']) {
    writeFileSync(join(other, name), '#!/bin/sh\n');
    chmodSync(join(other, name), 0o755);
  }
  assert.equal(lookPath('tool', `/nonexistent:${dir}`), tool);
  assert.equal(lookPath('plain', `${dir}:${other}`), join(other, 'plain'));
  assert.equal(lookPath('subdir', `${dir}:${other}`), join(other, 'subdir'));
  assert.throws(() => lookPath('nope', dir), { message: 'exec: "nope": executable file not found in $PATH' });
  assert.throws(() => lookPath('nope', ''), { message: 'exec: "nope": executable file not found in $PATH' });
  assert.throws(() => lookPath('a"b', dir), { message: 'exec: "a\\"b": executable file not found in $PATH' });
});

test('lookPath: an empty PATH element is the working directory', () => {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.equal(lookPath('tool', `/nonexistent::`), 'tool');
  } finally {
    process.chdir(cwd);
  }
});

test('lookPath checks a name with a slash itself, without PATH', () => {
  assert.equal(lookPath(tool, '/nonexistent'), tool);
  for (const name of [plain, join(dir, 'subdir'), join(dir, 'missing')])
    assert.throws(() => lookPath(name, dir), { message: `exec: "${name}": permission denied` });
});

test('commandPath: a bare name goes through PATH, a name with a slash is used verbatim', () => {
  assert.equal(commandPath('tool', dir), tool);
  assert.equal(commandPath('/abs/path', dir), '/abs/path');
  assert.equal(commandPath(plain, dir), plain);
  assert.throws(() => commandPath('nope', dir), {
    message: 'exec: "nope": executable file not found in $PATH',
  });
});
