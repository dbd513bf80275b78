import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lexists, mkdirAll, remove, removeAll, writeFileAtomic } from '../../src/go/os.ts';
import { runUnprivileged } from '../helpers/as-nobody.ts';

/** Run `body` in a fresh temporary directory, removed afterwards. */
function inScratch(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-go-os-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('creates every missing level; an existing directory is fine', () =>
  inScratch((dir) => {
    mkdirAll(join(dir, 'a', 'b', 'c'), 0o750);
    assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
    mkdirAll(join(dir, 'a', 'b'), 0o750);
  }));

test('a file in the way: the error names that file, like Go (`mkdir <file>: not a directory`)', () =>
  inScratch((dir) => {
    writeFileSync(join(dir, 'log'), '');
    assert.throws(() => mkdirAll(join(dir, 'log'), 0o750), {
      message: `mkdir ${join(dir, 'log')}: not a directory`,
    });
    assert.throws(() => mkdirAll(join(dir, 'log', 'job', 'x'), 0o750), {
      message: `mkdir ${join(dir, 'log')}: not a directory`,
    });
  }));

test('a level that cannot be created names that level (checked as an unprivileged user)', () =>
  inScratch((dir) => {
    chmodSync(dir, 0o755); // mkdtemp makes it 0700; the unprivileged user must reach 'ro'
    mkdirSync(join(dir, 'ro'), 0o500);
    const target = join(dir, 'ro', 'a', 'b');
    const mod = new URL('../../src/go/os.ts', import.meta.url).pathname;
    const script = `import { mkdirAll } from ${JSON.stringify(mod)};
try { mkdirAll(${JSON.stringify(target)}, 0o750); } catch (e) { process.stdout.write(e.message); }`;
    const r = runUnprivileged(script);
    assert.equal(r.stdout, `mkdir ${join(dir, 'ro', 'a')}: permission denied`, r.stderr);
  }));

test('removes a file, a tree, a symlink (not its target); a missing path is fine', () =>
  inScratch((dir) => {
    writeFileSync(join(dir, 'f'), 'x');
    mkdirSync(join(dir, 't', 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 't', 'a', 'b', 'g'), 'y');
    mkdirSync(join(dir, 'target'));
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    removeAll(join(dir, 'f'));
    removeAll(join(dir, 't'));
    removeAll(join(dir, 'link'));
    removeAll(join(dir, 'missing'));
    assert.equal(existsSync(join(dir, 'f')), false);
    assert.equal(existsSync(join(dir, 't')), false);
    assert.equal(existsSync(join(dir, 'link')), false);
    assert.equal(existsSync(join(dir, 'target')), true);
  }));

test(
  'a directory that cannot be removed (a mount point): `unlinkat <path>: device or resource busy`',
  {
    skip: process.getuid?.() === 0 ? undefined : 'needs root to bind-mount',
  },
  () =>
    inScratch((dir) => {
      const busy = join(dir, 'busy');
      mkdirSync(busy);
      assert.equal(spawnSync('mount', ['--bind', busy, busy]).status, 0);
      try {
        assert.throws(() => removeAll(busy), { message: `unlinkat ${busy}: device or resource busy` });
        // Below a directory the failing entry's full path is named.
        assert.throws(() => removeAll(dir), { message: `unlinkat ${busy}: device or resource busy` });
      } finally {
        spawnSync('umount', [busy]);
      }
    }),
);

test('writeFileAtomic replaces the file (mode 0600) and leaves no temporary file', () =>
  inScratch((dir) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, 'old contents, longer than the new ones');
    writeFileAtomic(file, 'new');
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileAtomic(file, Buffer.from('bytes'), dir);
    assert.equal(readFileSync(file, 'utf8'), 'bytes');
    assert.deepEqual(readdirSync(dir), ['config.json']);
  }));

test('writeFileAtomic words a failure like Go, naming the temporary file', () =>
  inScratch((dir) => {
    assert.throws(
      () => writeFileAtomic(join(dir, 'missing', 'f'), 'x'),
      (err: Error) =>
        new RegExp(`^open ${dir}/missing/\\.f\\.\\d+\\.\\d+\\.tmp: no such file or directory$`).test(
          err.message,
        ),
    );
    mkdirSync(join(dir, 'is-a-dir'));
    assert.throws(() => writeFileAtomic(join(dir, 'is-a-dir'), 'x'), {
      message: /^rename .*\.tmp: (file exists|is a directory)$/,
    });
    assert.deepEqual(readdirSync(dir), ['is-a-dir']);
  }));

test('lexists: true for a dangling symlink, false for a missing path', () =>
  inScratch((dir) => {
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    assert.equal(lexists(join(dir, 'dangling')), true);
    assert.equal(lexists(join(dir, 'nowhere')), false);
  }));

test('remove: a file or an empty directory goes, a missing path is fine, a full directory is an error', () =>
  inScratch((dir) => {
    writeFileSync(join(dir, 'f'), '');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), '');
    remove(join(dir, 'f'));
    remove(join(dir, 'empty'));
    remove(join(dir, 'missing'));
    assert.deepEqual(readdirSync(dir), ['full']);
    assert.throws(() => remove(join(dir, 'full')), { message: `remove ${dir}/full: directory not empty` });
  }));
