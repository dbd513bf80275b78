// The worker-pool variants of src/sys/at.ts: the same calls, flags and error texts as the
// synchronous ones they stand beside.
import assert from 'node:assert/strict';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  attachTreeAsync,
  cloneTreeAsync,
  closeTreeQuietly,
  fdPath,
  mkdirAtAsync,
  O_PATH,
  openAtAsync,
  openPathAt,
  readlinkFdAsync,
} from '../../src/sys/at.ts';
import { MNT_DETACH, unmount } from '../../src/sys/mount.ts';
import { needsRoot } from '../helpers/needs-root.ts';

const base = mkdtempSync(join(tmpdir(), 'bpm-at-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** An O_PATH descriptor of the directory `path`. */
function dirFd(path: string): number {
  return openPathAt(-100, path, path);
}

/** The mount points in this mount namespace (mountinfo field 5). */
function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(' ')[4] as string);
}

/** Whether the descriptor has FD_CLOEXEC set (`flags:` in /proc/self/fdinfo is octal). */
function cloexec(fd: number): boolean {
  const m = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
  return m !== null && (Number.parseInt(m[1] as string, 8) & 0o2000000) !== 0;
}

describe('at: worker-pool variants', () => {
  it('openAtAsync opens relative to the descriptor, always close-on-exec, and words a failure like Go', async () => {
    const dir = join(base, 'open');
    mkdirSync(dir);
    writeFileSync(join(dir, 'f'), 'x');
    const d = dirFd(dir);
    try {
      const fd = await openAtAsync(d, 'f', 0, 0, 'shown');
      assert.equal(readlinkSync(fdPath(fd)), join(dir, 'f'));
      assert.ok(cloexec(fd));
      closeSync(fd);
      await assert.rejects(openAtAsync(d, 'nope', 0, 0, '/the/name'), {
        message: 'open /the/name: no such file or directory',
        code: 'ENOENT',
      });
    } finally {
      closeSync(d);
    }
  });

  it('openAtAsync with O_PATH|O_NOFOLLOW yields a link itself, not its target; readlinkFdAsync reads it', async () => {
    const dir = join(base, 'link');
    mkdirSync(dir);
    symlinkSync('/etc/hostname', join(dir, 'l'));
    const d = dirFd(dir);
    try {
      const fd = await openAtAsync(d, 'l', O_PATH | constants.O_NOFOLLOW, 0, 'l');
      try {
        assert.ok(fstatSync(fd).isSymbolicLink());
        assert.equal(await readlinkFdAsync(fd, 'l'), '/etc/hostname');
      } finally {
        closeSync(fd);
      }
      const notLink = await openAtAsync(d, '.', O_PATH, 0, 'dot');
      await assert.rejects(readlinkFdAsync(notLink, '/dot'), { message: /^readlink \/dot: / });
      closeSync(notLink);
    } finally {
      closeSync(d);
    }
  });

  it('mkdirAtAsync creates with the mode given and reports EEXIST', async () => {
    const dir = join(base, 'mkdir');
    mkdirSync(dir);
    const d = dirFd(dir);
    try {
      await mkdirAtAsync(d, 'sub', 0o700, 'sub');
      assert.equal(statSync(join(dir, 'sub')).mode & 0o7777, 0o700);
      await assert.rejects(mkdirAtAsync(d, 'sub', 0o700, '/x/sub'), {
        message: 'mkdir /x/sub: file exists',
        code: 'EEXIST',
      });
    } finally {
      closeSync(d);
    }
  });
});

describe('at: mount trees on the worker pool', { skip: needsRoot('open_tree/move_mount') }, () => {
  it('cloneTreeAsync + attachTreeAsync bind what the descriptor is onto the target', async () => {
    const src = join(base, 'tree-src');
    const dst = join(base, 'tree-dst');
    mkdirSync(src);
    mkdirSync(dst);
    writeFileSync(join(src, 'marker'), 'here');
    const s = dirFd(src);
    const t = dirFd(dst);
    let tree: number | undefined;
    try {
      tree = await cloneTreeAsync(s, true, src);
      await attachTreeAsync(tree, t, dst);
      assert.ok(mountPoints().includes(dst));
      assert.equal(readFileSync(join(dst, 'marker'), 'utf8'), 'here');
    } finally {
      await closeTreeQuietly(tree);
      closeSync(s);
      closeSync(t);
      unmount(dst, MNT_DETACH);
    }
    assert.ok(!mountPoints().includes(dst));
  });

  it('failures name the caller’s path', async () => {
    // No descriptor: the calls fail with EBADF, worded with the name given.
    await assert.rejects(cloneTreeAsync(-1, false, '/shown'), {
      message: 'open_tree /shown: bad file descriptor',
    });
    await assert.rejects(attachTreeAsync(-1, -1, '/shown'), {
      message: 'move_mount /shown: bad file descriptor',
    });
  });

  it('closeTreeQuietly of a tree never attached dissolves it; an unknown descriptor is ignored', async () => {
    const src = join(base, 'dissolve');
    mkdirSync(src);
    const s = dirFd(src);
    const before = mountPoints().length;
    const tree = await cloneTreeAsync(s, false, src);
    closeSync(s);
    await closeTreeQuietly(tree);
    await closeTreeQuietly(undefined);
    assert.equal(mountPoints().length, before);
  });
});
