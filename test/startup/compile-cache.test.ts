import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { compileCacheDir, isSafeCacheDir } from '../../src/startup/compile-cache.ts';

const isRoot = process.geteuid?.() === 0;
const tmp = mkdtempSync('/tmp/bpm-cc-test-');
chmodSync(tmp, 0o755);
after(() => rmSync(tmp, { recursive: true, force: true }));

function root(name: string): RootPaths {
  const r = join(tmp, name);
  mkdirSync(r, { mode: 0o755 });
  return new RootPaths(r);
}

test('no R/data/bpm yet: no cache, nothing created', () => {
  const r = root('fresh');
  assert.equal(compileCacheDir(r, 0), undefined);
});

test('creates R/data/bpm/cache 0700 under a safe R/data/bpm', { skip: !isRoot && 'needs root' }, () => {
  const r = root('safe');
  mkdirSync(r.bpmDataDir, { recursive: true, mode: 0o700 });
  const dir = compileCacheDir(r, 0);
  assert.equal(dir, r.compileCacheDir);
});

test('refuses a group/other-accessible cache directory', { skip: !isRoot && 'needs root' }, () => {
  const r = root('open');
  mkdirSync(r.compileCacheDir, { recursive: true, mode: 0o700 });
  chmodSync(r.compileCacheDir, 0o755);
  assert.equal(compileCacheDir(r, 0), undefined);
});

test('refuses a cache directory that is a symlink', { skip: !isRoot && 'needs root' }, () => {
  const r = root('link');
  mkdirSync(r.bpmDataDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(tmp, 'elsewhere'), { mode: 0o700 });
  symlinkSync(join(tmp, 'elsewhere'), r.compileCacheDir);
  assert.equal(compileCacheDir(r, 0), undefined);
});

test('refuses a cache owned by another user', { skip: !isRoot && 'needs root' }, () => {
  const r = root('foreign');
  mkdirSync(r.compileCacheDir, { recursive: true, mode: 0o700 });
  chownSync(r.compileCacheDir, 1234, 1234);
  assert.equal(compileCacheDir(r, 0), undefined);
});

test('refuses an ancestor another user could write', { skip: !isRoot && 'needs root' }, () => {
  const r = root('writable-parent');
  mkdirSync(r.compileCacheDir, { recursive: true, mode: 0o700 });
  chmodSync(join(r.root, 'data'), 0o777);
  assert.equal(isSafeCacheDir(r.compileCacheDir, 0), false);
  // Sticky (like /tmp) is fine as long as the child on the path is root's.
  chmodSync(join(r.root, 'data'), 0o1777);
  assert.equal(isSafeCacheDir(r.compileCacheDir, 0), true);
  chownSync(r.bpmDataDir, 1234, 1234);
  assert.equal(isSafeCacheDir(r.compileCacheDir, 0), false);
});

test('refuses an ancestor owned by another user', { skip: !isRoot && 'needs root' }, () => {
  const r = root('foreign-parent');
  mkdirSync(r.compileCacheDir, { recursive: true, mode: 0o700 });
  chownSync(join(r.root, 'data'), 1234, 1234);
  assert.equal(isSafeCacheDir(r.compileCacheDir, 0), false);
});
