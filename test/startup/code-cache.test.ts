import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cacheFileName, cacheSlot, loadBundle } from '../../src/startup/code-cache.ts';

const tmp = mkdtempSync('/tmp/bpm-code-cache-test-');
after(() => rmSync(tmp, { recursive: true, force: true }));

const MODULE = new URL('../../src/startup/code-cache.ts', import.meta.url).pathname;
const BUNDLE = bundle('bundle.js');

/** A small CommonJS file; V8 keeps compiled sources per process, so each test gets its own text. */
function bundle(name: string): string {
  const file = join(tmp, name);
  writeFileSync(
    file,
    [
      `// ${name}`,
      "'use strict';",
      'function square(x) { return x * x; }',
      'exports.run = (n) => square(n) + 1;',
      'exports.where = () => [__filename, __dirname, typeof require, module.exports === exports];',
      'exports.line = () => new Error("here").stack.split("\\n")[1];',
    ].join('\n'),
  );
  return file;
}

/** Load `file` with `cache` in a fresh process: whether V8 used the cache, and run(4). */
function loadInChild(file: string, cache: string): { cacheUsed: boolean; result: number } {
  const code = `import { loadBundle } from ${JSON.stringify(MODULE)};
const b = loadBundle(${JSON.stringify(file)}, ${JSON.stringify(cache)});
process.stdout.write(JSON.stringify({ cacheUsed: b.cacheUsed, result: b.exports.run(4) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cacheUsed: boolean; result: number };
}

test('cacheSlot: the command word, else "other"', () => {
  assert.equal(cacheSlot(['start', 'job']), 'start');
  assert.equal(cacheSlot(['list']), 'list');
  assert.equal(cacheSlot(['--help']), 'other');
  assert.equal(cacheSlot(['no-such-command']), 'other');
  assert.equal(cacheSlot([]), 'other');
});

test('cacheFileName carries the bundle hash, the Node version and the slot', () => {
  assert.equal(cacheFileName('/c', 'abc', 'stop'), `/c/bundle-abc-${process.version}-stop.v8`);
});

test('loads a CommonJS file as Node would: exports, require, __filename, __dirname, line numbers', () => {
  const b = loadBundle(BUNDLE, undefined);
  const exp = b.exports as { run(n: number): number; where(): unknown[]; line(): string };
  assert.equal(exp.run(3), 10);
  assert.deepEqual(exp.where(), [BUNDLE, tmp, 'function', true]);
  assert.match(exp.line(), new RegExp(`${BUNDLE}:6:`));
  assert.equal(b.cacheUsed, false);
  b.save(); // no cache file: nothing to write, no error
});

test('save writes cached data (0600) that the next run uses; other builds’ files are removed', () => {
  const dir = mkdtempSync(join(tmp, 'cache-'));
  const stale = join(dir, `bundle-oldhash-${process.version}-start.v8`);
  writeFileSync(stale, 'x');
  writeFileSync(join(dir, `.bundle-oldhash-${process.version}-start.v8.1234.5678.tmp`), 'x'); // a killed save's
  const src = bundle('saved.js');
  const file = cacheFileName(dir, 'h1', 'start');
  const first = loadBundle(src, file);
  assert.equal(first.cacheUsed, false);
  (first.exports as { run(n: number): number }).run(2); // compiles square()
  first.save();
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), [`bundle-h1-${process.version}-start.v8`]);
  assert.deepEqual(loadInChild(src, file), { cacheUsed: true, result: 17 });
});

test('garbage in the cache file is rejected by V8, the code still runs, save replaces it', () => {
  const dir = mkdtempSync(join(tmp, 'cache-'));
  const src = bundle('garbage.js');
  const file = cacheFileName(dir, 'h2', 'list');
  writeFileSync(file, 'not v8 code cache', { mode: 0o600 });
  const b = loadBundle(src, file);
  assert.equal(b.cacheUsed, false);
  assert.equal((b.exports as { run(n: number): number }).run(1), 2);
  b.save();
  assert.deepEqual(loadInChild(src, file), { cacheUsed: true, result: 17 });
});

test('an unwritable cache location is no error', () => {
  const b = loadBundle(BUNDLE, join(tmp, 'missing-dir', 'x.v8'));
  assert.equal(b.cacheUsed, false);
  b.save();
});
