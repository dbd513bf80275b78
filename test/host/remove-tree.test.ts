// removeTree (src/host/remove-tree.ts): a bundle's `rm -rf` on libuv's worker pool that follows no
// link and enters no mount point.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { removeTree } from '../../src/host/remove-tree.ts';
import { needsRoot } from '../helpers/needs-root.ts';

const base = mkdtempSync(join(tmpdir(), 'bpm-remove-tree-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const scratch = () => {
  const dir = join(base, String(n++));
  mkdirSync(dir);
  return dir;
};

/** A bundle as runc leaves it: config.json, and rootfs full of empty mount-point directories. */
function bundleIn(dir: string): string {
  const bundle = join(dir, 'bundle');
  for (const d of ['proc', 'dev', 'tmp', 'var/vcap/jobs/web', 'var/vcap/data/web', 'var/vcap/sys/log/web'])
    mkdirSync(join(bundle, 'rootfs', d), { recursive: true });
  writeFileSync(join(bundle, 'rootfs', 'etc-hosts'), ''); // a file's mount point
  writeFileSync(join(bundle, 'config.json'), '{}');
  return bundle;
}

/** A directory outside the tree with a file in it: what a planted link or mount would expose. */
function outside(dir: string): string {
  const target = join(dir, 'outside');
  mkdirSync(target);
  writeFileSync(join(target, 'precious'), 'keep');
  return target;
}

describe('removeTree', () => {
  test('removes a bundle tree; a missing path is fine', async () => {
    const bundle = bundleIn(scratch());
    await removeTree(bundle);
    assert.equal(existsSync(bundle), false);
    await removeTree(bundle);
  });

  test('a link planted in rootfs (or as the tree itself) is removed, its target left as it is', async () => {
    const dir = scratch();
    const target = outside(dir);
    const bundle = bundleIn(dir);
    symlinkSync(target, join(bundle, 'rootfs', 'var', 'vcap', 'link'));
    symlinkSync(join(target, 'precious'), join(bundle, 'rootfs', 'file-link'));
    await removeTree(bundle);
    assert.equal(existsSync(bundle), false);
    const top = join(dir, 'top-link');
    symlinkSync(target, top);
    await removeTree(top);
    assert.equal(existsSync(top), false);
    assert.deepEqual(readdirSync(target), ['precious']);
    assert.equal(readFileSync(join(target, 'precious'), 'utf8'), 'keep');
  });

  test('a mount point in rootfs is not entered: `unlinkat <path>: device or resource busy`, the rest goes', {
    skip: needsRoot('mount(2)'),
  }, async () => {
    const dir = scratch();
    const target = outside(dir);
    const bundle = bundleIn(dir);
    const point = join(bundle, 'rootfs', 'var', 'vcap', 'data', 'web');
    assert.equal(spawnSync('mount', ['--bind', target, point]).status, 0);
    try {
      await assert.rejects(removeTree(bundle), { message: `unlinkat ${point}: device or resource busy` });
      assert.equal(readFileSync(join(target, 'precious'), 'utf8'), 'keep', 'the mounted tree is untouched');
      assert.deepEqual(readdirSync(join(bundle, 'rootfs')), ['var'], 'everything else is removed');
      assert.equal(existsSync(join(bundle, 'config.json')), false);
    } finally {
      spawnSync('umount', ['-l', point]);
    }
    await removeTree(bundle);
    assert.equal(existsSync(bundle), false);
  });

  test('runs off the main thread: the event loop keeps turning while a large tree goes', async () => {
    const tree = join(scratch(), 'tree');
    for (let i = 0; i < 200; i++) mkdirSync(join(tree, `d${i}`, 'sub'), { recursive: true });
    let turns = 0;
    let removing = true;
    const spin = () => {
      if (!removing) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    await removeTree(tree);
    removing = false;
    assert.equal(existsSync(tree), false);
    assert.ok(turns > 0, 'no event-loop turn while the tree was removed');
  });
});
