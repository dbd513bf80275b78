import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { openBeneath } from '../../src/host/open-beneath.ts';
import { makeVolumeShared } from '../../src/host/shared-volume.ts';
import { clearStaging, type SourceFds, stageSources } from '../../src/host/staging.ts';
import { unmount } from '../../src/sys/mount.ts';
import { needsRoot } from '../helpers/needs-root.ts';

const skip = needsRoot('mount(2)');
const base = skip ? '' : mkdtempSync(join(tmpdir(), 'bpm-staging-'));
const paths = new RootPaths(join(base, 'R'));
const job = paths.job('web');
after(async () => {
  if (skip) return;
  await clearStaging(job, 'worker');
  rmSync(base, { recursive: true, force: true });
});

/** mountinfo lines as fields: [3] is the mount's root in its file system, [4] its mount point. */
function mounts(): string[][] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '));
}

const MNT_DETACH = 2;

/** Descriptors of existing paths (true) or null for missing ones, as the prerequisites pass them. */
function sources(...list: [string, boolean][]): SourceFds {
  const m: SourceFds = new Map();
  for (const [p, exists] of list) m.set(p, exists ? openBeneath(paths.root, p) : null);
  return m;
}

function closeAll(fds: SourceFds): void {
  for (const fd of fds.values()) if (fd !== null) closeSync(fd);
}

describe('staging points', { skip }, () => {
  it('mount what the descriptor was, whatever the name leads to by now, and go away again', async () => {
    const vol = join(paths.root, 'data', 'web', 'vol');
    const file = join(paths.root, 'data', 'web', 'file');
    const missing = join(paths.root, 'data', 'web', 'missing');
    mkdirSync(vol, { recursive: true });
    writeFileSync(join(vol, 'marker'), 'real');
    writeFileSync(file, 'file');
    const fds = sources([vol, true], [file, true], [missing, false]);
    // The job swaps its volume for a link to somewhere else after bpm opened it.
    const elsewhere = join(base, 'elsewhere');
    mkdirSync(elsewhere);
    renameSync(vol, `${vol}.moved`);
    symlinkSync(elsewhere, vol);

    const staged = await stageSources(job, 'worker', fds);
    closeAll(fds);
    const dir = job.stagingDir('worker');
    assert.deepEqual(
      [...staged],
      [
        [vol, `${dir}/0_data_web_vol`],
        [file, `${dir}/1_data_web_file`],
        [missing, `${dir}/2_data_web_missing`],
      ],
    );
    assert.equal(readFileSync(join(dir, '0_data_web_vol', 'marker'), 'utf8'), 'real');
    assert.equal(readFileSync(join(dir, '1_data_web_file'), 'utf8'), 'file');
    assert.equal(
      existsSync(join(dir, '2_data_web_missing')),
      false,
      'a missing mount_only volume gets no point',
    );
    // The mount is of the directory bpm opened (now named vol.moved), not of the link.
    assert.ok(mounts().some((f) => f[3] === `${vol}.moved` && f[4] === `${dir}/0_data_web_vol`));

    await clearStaging(job, 'worker');
    assert.equal(existsSync(job.stagingJobDir), false);
    assert.equal(
      mounts().some((f) => f[4]?.startsWith(paths.root)),
      false,
    );
    assert.equal(readFileSync(join(`${vol}.moved`, 'marker'), 'utf8'), 'real', 'the volume is untouched');
  });

  it('clears leftovers of a killed bpm first; a staged shared volume joins its peer group, nothing else does', async () => {
    const shared = join(paths.root, 'data', 'shared');
    // A directory on a shared mount, staged as an ordinary source (as every directory is on a
    // systemd host, where all mounts are shared).
    const plain = join(shared, 'plain');
    mkdirSync(plain, { recursive: true });
    mkdirSync(paths.locksDir, { recursive: true });
    await makeVolumeShared(shared, paths.locksDir, paths.root);
    try {
      const leftover = sources([shared, true]);
      await stageSources(job, 'worker', leftover, new Set([shared])); // as a bpm killed before it cleared them leaves them
      closeAll(leftover);
      const fds = sources([shared, true], [plain, true]);
      const staged = await stageSources(job, 'worker', fds, new Set([shared]));
      closeAll(fds);
      const dir = job.stagingDir('worker');
      const point = `${dir}/0_data_shared`;
      assert.equal(staged.get(shared), point);
      const at = (p: string) => mounts().filter((f) => f[4] === p);
      assert.equal(at(point).length, 1, 'the leftover point was cleared, not stacked on');
      const peerGroup = (f: string[] | undefined) =>
        f?.slice(6, f.indexOf('-')).find((o) => /^(shared|master):/.test(o));
      assert.ok(peerGroup(at(shared)[0]) !== undefined);
      assert.equal(peerGroup(at(point)[0]), peerGroup(at(shared)[0]));
      assert.equal(at(`${dir}/1_data_shared_plain`).length, 1);
      assert.equal(peerGroup(at(`${dir}/1_data_shared_plain`)[0]), undefined, 'a plain source is private');
      assert.equal(at(dir).length, 1, 'the staging dir is a mount of its own');
      assert.equal(peerGroup(at(dir)[0]), undefined, 'the staging dir is private');
      await clearStaging(job, 'worker');
      assert.equal(mounts().filter((f) => f[4]?.startsWith(dir)).length, 0);
      assert.equal(existsSync(dir), false);
    } finally {
      await clearStaging(job, 'worker');
      unmount(shared, MNT_DETACH);
    }
  });

  it('a link planted in the staging dir is removed; no mount call goes through it', async () => {
    // A shared mount elsewhere: a mount(MS_PRIVATE) through the link would take it out of its peer group.
    const elsewhere = join(base, 'shared-elsewhere');
    mkdirSync(elsewhere);
    assert.equal(spawnSync('mount', ['--bind', elsewhere, elsewhere]).status, 0);
    assert.equal(spawnSync('mount', ['--make-shared', elsewhere]).status, 0);
    try {
      const vol = join(paths.root, 'data', 'web', 'linked');
      mkdirSync(vol, { recursive: true });
      const fds = sources([vol, true]);
      await stageSources(job, 'worker', fds);
      closeAll(fds);
      const link = join(job.stagingDir('worker'), '9_planted');
      symlinkSync(elsewhere, link);
      await clearStaging(job, 'worker');
      assert.equal(existsSync(job.stagingDir('worker')), false, 'the link and the staging dir are gone');
      const at = mounts().filter((f) => f[4] === elsewhere);
      assert.equal(at.length, 1, 'the link target is still mounted');
      assert.ok(
        at[0]?.slice(6, at[0].indexOf('-')).some((o) => o.startsWith('shared:')),
        'the link target is still shared',
      );
    } finally {
      unmount(elsewhere, MNT_DETACH);
    }
  });

  it('a mount stacked on a point after staging goes too; the volume below is untouched', async () => {
    const vol = join(paths.root, 'data', 'web', 'stacked');
    mkdirSync(vol, { recursive: true });
    writeFileSync(join(vol, 'marker'), 'real');
    const fds = sources([vol, true]);
    const point = (await stageSources(job, 'worker', fds)).get(vol) as string;
    closeAll(fds);
    assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', point]).status, 0);
    writeFileSync(join(point, 'on-top'), 'x');
    await clearStaging(job, 'worker');
    assert.equal(mounts().filter((f) => f[4]?.startsWith(job.stagingDir('worker'))).length, 0);
    assert.equal(existsSync(job.stagingDir('worker')), false);
    assert.deepEqual(readdirSync(vol), ['marker'], 'nothing of the stacked mount reached the volume');
  });

  it('unmounting a staged shared volume leaves what was mounted below its peers', async () => {
    const shared = join(paths.root, 'data', 'shared2');
    const peer = join(base, 'peer');
    mkdirSync(join(shared, 'sub'), { recursive: true });
    mkdirSync(peer);
    mkdirSync(paths.locksDir, { recursive: true });
    await makeVolumeShared(shared, paths.locksDir, paths.root);
    const mounted: string[] = [];
    try {
      const fds = sources([shared, true]);
      await stageSources(job, 'worker', fds, new Set([shared]));
      closeAll(fds);
      // A peer of the volume (what a container's mount of it is), and a mount made below it there
      // (what runc makes for a volume inside the shared one): it propagates to the staging point.
      assert.equal(spawnSync('mount', ['--bind', shared, peer]).status, 0);
      mounted.push(peer);
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', join(peer, 'sub')]).status, 0);
      mounted.push(join(peer, 'sub'));
      const point = `${job.stagingDir('worker')}/0_data_shared2`;
      assert.ok(
        mounts().some((f) => f[4] === `${point}/sub`),
        'propagated to the staging point',
      );
      await clearStaging(job, 'worker');
      assert.ok(
        mounts().some((f) => f[4] === join(peer, 'sub')),
        'still mounted in the peer',
      );
    } finally {
      for (const m of mounted.reverse()) spawnSync('umount', ['-l', m]);
      await clearStaging(job, 'worker');
      unmount(shared, MNT_DETACH);
    }
  });
});
