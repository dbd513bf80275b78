// Shared volumes (docs/behaviour/locking-and-recovery.md §5): under the per-volume lock, bind-mount the path onto
// itself unless it already is a mount point, then mark it MS_SHARED so mounts made later under it
// propagate into every container that mounts it. bpm never unmounts these. The path is reached with
// openBeneath (a link the job swapped in is refused, issue #10) and the self-bind is made from that
// descriptor onto itself (open_tree + move_mount), so a job renaming things meanwhile cannot turn
// it into a mount of somewhere else.
//
// Errors are the bare causes (`lstat <path>: no such file or directory`, `invalid argument`);
// createPrerequisites wraps them as `failed to create system files: <cause>`.
import { lstatSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { joinPath } from '../go/path.ts';
import { bindOntoItself, closeQuietly, fdPath, isMountRootFd } from '../sys/at.ts';
import { goPathError } from '../sys/errno.ts';
import { acquireLock } from '../sys/flock.ts';
import { makeShared, unmount } from '../sys/mount.ts';
import { openBeneath } from './open-beneath.ts';

/** `vol-<lowercase hex sha256 of the path as written>.lock`. */
export function volumeLockName(path: string): string {
  // node:crypto is loaded only here, when a job has shared volumes (~3 ms otherwise wasted).
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `vol-${createHash('sha256').update(path, 'utf8').digest('hex')}.lock`;
}

/** filepath.Abs + EvalSymlinks: a missing component fails as `lstat <component>: …`. */
export function resolveExisting(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync.native(abs);
  } catch (err) {
    // Name the first component that cannot be lstat'ed, as Go's EvalSymlinks does.
    const parts = abs.split(sep).filter((p) => p !== '');
    let prefix = '';
    for (const part of parts) {
      prefix = `${prefix}/${part}`;
      try {
        lstatSync(prefix);
      } catch (inner) {
        throw goPathError('lstat', prefix, inner);
      }
    }
    throw goPathError('lstat', abs, err);
  }
}

/** Make `path` (below the BOSH root `root`) a shared mount point, serialised by its volume lock. */
export async function makeVolumeShared(path: string, locksDir: string, root: string): Promise<void> {
  const lock = await acquireLock(joinPath(locksDir, volumeLockName(path)));
  let fd: number | undefined;
  let top: number | undefined;
  try {
    resolveExisting(path); // a missing path fails worded as upstream's EvalSymlinks
    fd = openBeneath(root, path);
    const mounted = isMountRootFd(fd, path);
    top = mounted ? fd : bindOntoItself(fd, path);
    try {
      makeShared(fdPath(top));
    } catch (err) {
      // Upstream ignores the failure when the path already was a mount point.
      if (mounted) return;
      try {
        unmount(fdPath(top));
      } catch {
        // Ignored, as upstream does.
      }
      throw err;
    }
  } finally {
    if (top !== fd) closeQuietly(top);
    closeQuietly(fd);
    lock.release();
  }
}
