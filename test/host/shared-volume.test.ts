import assert from 'node:assert/strict';
import {
  existsSync,
  lchownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readMountinfo } from '../../src/host/mountinfo.ts';
import { makeVolumeShared, volumeLockName } from '../../src/host/shared-volume.ts';
import { MS_BIND, mount, unmount } from '../../src/sys/mount.ts';
import { needsRoot } from '../helpers/needs-root.ts';
import { ensureVcap } from './vcap-user.ts';

const MNT_DETACH = 2;
const dir = mkdtempSync(join(tmpdir(), 'bpm-shared-'));
const locks = join(dir, 'locks');
mkdirSync(locks);
const mounted: string[] = [];

after(() => {
  // Innermost first; lazily detach so a failed assertion never leaves mounts behind.
  for (const m of mounted.reverse()) {
    try {
      unmount(m, MNT_DETACH);
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The optional fields of the mountinfo line for `point` (e.g. `shared:42`), from the raw file. */
function optionalFields(point: string): string[][] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[4] === point)
    .map((f) => f.slice(6, f.indexOf('-')));
}

const notRoot = needsRoot('mount(2)');

describe('shared volumes', () => {
  it('names the volume lock after the SHA-256 of the path as written', () => {
    assert.equal(
      volumeLockName('/bpmtmp/r1/data/sharedvol'),
      'vol-6096c0605a24043144878a58e9d38d6236106074468d7f14f29e8c217da5e351.lock',
    );
  });

  it('bind-mounts the path onto itself, marks it shared, and mounts under it propagate', {
    skip: notRoot,
  }, async () => {
    const vol = join(dir, 'vol');
    const peer = join(dir, 'peer');
    mkdirSync(vol);
    mkdirSync(peer);
    assert.equal(optionalFields(vol).length, 0);

    await makeVolumeShared(vol, locks, dir);
    mounted.push(vol);
    assert.ok(existsSync(join(locks, volumeLockName(vol))));
    const fields = optionalFields(vol);
    assert.equal(fields.length, 1);
    assert.ok(
      fields[0]?.some((f) => f.startsWith('shared:')),
      `shared peer group in ${fields[0]}`,
    );

    // A "container" bind of the volume joins its peer group...
    mount(vol, peer, null, MS_BIND, null);
    mounted.push(peer);
    // ...so a mount made later under the host path shows up in it.
    const sub = join(vol, 'sub');
    mkdirSync(sub);
    mount('tmpfs', sub, 'tmpfs', 0, 'size=1m');
    mounted.push(sub, join(peer, 'sub'));
    writeFileSync(join(sub, 'hello'), 'propagated');
    assert.equal(readFileSync(join(peer, 'sub', 'hello'), 'utf8'), 'propagated');

    // Idempotent: an existing mount point is only re-marked shared, not mounted again.
    await makeVolumeShared(vol, locks, dir);
    assert.equal(optionalFields(vol).length, 1);
  });

  it('refuses a volume the job replaced by a link, and mounts nothing at its target', {
    skip: notRoot,
  }, async () => {
    const vcap = ensureVcap();
    const target = join(dir, 'target');
    const vol = join(dir, 'swapped');
    mkdirSync(target);
    symlinkSync(target, vol);
    lchownSync(vol, vcap.uid, vcap.gid);
    await assert.rejects(makeVolumeShared(vol, locks, dir), {
      message: `refusing to use ${vol}: ${vol} is a symlink owned by uid ${vcap.uid}, not root`,
    });
    assert.deepEqual(optionalFields(target), []);
  });

  it('fails, without mounting, on a path that does not exist', async () => {
    const missing = join(dir, 'missing', 'vol');
    await assert.rejects(makeVolumeShared(missing, locks, dir), {
      message: `lstat ${join(dir, 'missing')}: no such file or directory`,
    });
    assert.equal(
      readMountinfo().some((m) => m.mountPoint.startsWith(join(dir, 'missing'))),
      false,
    );
  });
});
