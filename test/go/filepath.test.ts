import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BpmError } from '../../src/errors.ts';
import { expandGlob } from '../../src/go/filepath.ts';

let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'bpm-glob-'));
  for (const d of ['a/x', 'a/y', 'b/x', 'c', '.hidden/x', 'B/x', 'brace{1,2}', 'star*dir']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  for (const f of [
    'a/x/f1',
    'a/y/f2',
    'b/x/f3',
    'c/file.log',
    'c/.dot.log',
    'c/z.log',
    'c/a.txt',
    'q1',
    'q2',
  ]) {
    writeFileSync(join(dir, f), '');
  }
  symlinkSync(join(dir, 'missing-target'), join(dir, 'dangling'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('* matches a leading dot too, unlike shells; results in lexical byte order', () => {
  assert.deepEqual(expandGlob(`${dir}/c/*.log`), [
    `${dir}/c/.dot.log`,
    `${dir}/c/file.log`,
    `${dir}/c/z.log`,
  ]);
  // Uppercase sorts before lowercase and '.' before letters (byte order).
  assert.deepEqual(expandGlob(`${dir}/*/x`), [`${dir}/.hidden/x`, `${dir}/B/x`, `${dir}/a/x`, `${dir}/b/x`]);
});

test('metacharacters in several components expand level by level', () => {
  assert.deepEqual(expandGlob(`${dir}/[ab]/*/f?`), [`${dir}/a/x/f1`, `${dir}/a/y/f2`, `${dir}/b/x/f3`]);
  assert.deepEqual(expandGlob(`${dir}/[^ab.B]*`), [
    `${dir}/c`,
    `${dir}/dangling`,
    `${dir}/q1`,
    `${dir}/q2`,
    `${dir}/star*dir`,
  ]);
  assert.deepEqual(expandGlob(`${dir}/q?`), [`${dir}/q1`, `${dir}/q2`]);
});

test('no ** and no braces: they are literal characters', () => {
  assert.deepEqual(expandGlob(`${dir}/**/f1`), []);
  assert.deepEqual(expandGlob(`${dir}/**`), expandGlob(`${dir}/*`));
  assert.deepEqual(expandGlob(`${dir}/brace{1,2}`), [`${dir}/brace{1,2}`]);
  assert.deepEqual(expandGlob(`${dir}/a/{x,y}`), []);
});

test('backslash escapes a metacharacter', () => {
  assert.deepEqual(expandGlob(`${dir}/star\\*dir`), [`${dir}/star*dir`]);
  assert.deepEqual(expandGlob(`${dir}/star\\*`), []);
});

test('a plain path yields itself only if lstat succeeds (verbatim, not cleaned)', () => {
  assert.deepEqual(expandGlob(`${dir}/c`), [`${dir}/c`]);
  assert.deepEqual(expandGlob(`${dir}//c/`), [`${dir}//c/`]);
  assert.deepEqual(expandGlob(`${dir}/dangling`), [`${dir}/dangling`]);
  assert.deepEqual(expandGlob(`${dir}/nope`), []);
});

test('matches are joined and cleaned; files in the directory part yield nothing', () => {
  assert.deepEqual(expandGlob(`${dir}//c//z.lo?`), [`${dir}/c/z.log`]);
  assert.deepEqual(expandGlob(`${dir}/q1/*`), []);
  assert.deepEqual(expandGlob(`${dir}/nope/*`), []);
});

test('a malformed pattern is a BpmError "syntax error in pattern", even when nothing would match', () => {
  for (const p of [`${dir}/[`, `${dir}/nope/a[`, `${dir}/x\\`, `${dir}/[-x]`, `${dir}/c/*[`]) {
    assert.throws(
      () => expandGlob(p),
      (err: unknown) => err instanceof BpmError && err.message === 'syntax error in pattern',
      p,
    );
  }
});

test('relative patterns are resolved against the working directory and stay relative', () => {
  const cwd = process.cwd();
  process.chdir(join(dir, 'c'));
  try {
    assert.deepEqual(expandGlob('*.txt'), ['a.txt']);
    assert.deepEqual(expandGlob('../a/*'), ['../a/x', '../a/y']);
  } finally {
    process.chdir(cwd);
  }
});
