// Shared volumes (docs/behaviour/locking-and-recovery.md §5): under the per-volume lock, bind-mount the path
// onto itself unless it already is a mount point, then mark it MS_SHARED so mounts made later under it
// propagate into every container that mounts it. bpm never unmounts these.
//
// Errors are the bare causes (`lstat <path>: no such file or directory`, `invalid argument`);
// createPrerequisites wraps them as `failed to create system files: <cause>`.
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { joinPath } from '../bosh/clean.ts';
import { goPathError } from '../sys/errno.ts';
import { acquireLock } from '../sys/flock.ts';
import { bindMountOntoItself, makeShared, unmount } from '../sys/mount.ts';
import { MOUNTINFO_FILE, readMountinfo } from './mountinfo.ts';

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

/** moby/sys/mountinfo.Mounted without openat2: a different st_dev than the parent, else mountinfo. */
export function isMountPoint(resolved: string, mountinfoFile: string = MOUNTINFO_FILE): boolean {
  if (resolved === '/') return true;
  try {
    if (statSync(resolved).dev !== statSync(dirname(resolved)).dev) return true;
  } catch (err) {
    throw goPathError('stat', resolved, err);
  }
  return readMountinfo(mountinfoFile).some((m) => m.mountPoint === resolved);
}

/** Make `path` a shared mount point, serialised by its volume lock in `locksDir`. */
export async function makeVolumeShared(path: string, locksDir: string): Promise<void> {
  const lock = await acquireLock(joinPath(locksDir, volumeLockName(path)));
  try {
    const mounted = isMountPoint(resolveExisting(path));
    if (!mounted) bindMountOntoItself(path);
    try {
      makeShared(path);
    } catch (err) {
      // Upstream ignores the failure when the path already was a mount point.
      if (mounted) return;
      try {
        unmount(path);
      } catch {
        // Ignored, as upstream does.
      }
      throw err;
    }
  } finally {
    lock.release();
  }
}
