import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { removeAll } from '../../src/host/remove-all.ts';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'bpm-remove-all-'));
}

test('removes a file, a tree, a symlink (not its target); a missing path is fine', () => {
  const dir = scratch();
  try {
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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory that cannot be removed (a mount point): `unlinkat <path>: device or resource busy`', {
  skip: process.getuid?.() === 0 ? undefined : 'needs root to bind-mount',
}, () => {
  const dir = scratch();
  const busy = join(dir, 'busy');
  mkdirSync(busy);
  assert.equal(spawnSync('mount', ['--bind', busy, busy]).status, 0);
  try {
    assert.throws(() => removeAll(busy), { message: `unlinkat ${busy}: device or resource busy` });
    // Below a directory the failing entry's full path is named.
    assert.throws(() => removeAll(dir), { message: `unlinkat ${busy}: device or resource busy` });
  } finally {
    spawnSync('umount', [busy]);
    rmSync(dir, { recursive: true, force: true });
  }
});
