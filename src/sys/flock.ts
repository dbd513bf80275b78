// Exclusive BSD locks (flock(2)) on lock files (docs/behaviour/locking-and-recovery.md §1.1). The blocking
// wait runs on a libuv worker thread, so the event loop stays free; the kernel drops the lock when the
// process dies because it is a real flock on an open descriptor.
import { closeSync, constants, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { goPathError, SysError } from './errno.ts';
import { libc } from './libc.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const { EINTR, EWOULDBLOCK } = osConstants.errno;

/** A held lock. `release()` unlocks and closes the descriptor; calling it twice is a no-op. */
export interface Lock {
  readonly file: string;
  readonly fd: number;
  release(): void;
}

class FileLock implements Lock {
  readonly file: string;
  readonly fd: number;
  private released = false;

  constructor(file: string, fd: number) {
    this.file = file;
    this.fd = fd;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const rc = libc().flock(this.fd, LOCK_UN);
    const errno = rc < 0 ? libc().errno() : 0;
    closeSync(this.fd);
    if (rc < 0) throw new SysError('flock', errno);
  }
}

/**
 * Open (create, read/write, 0600, never through a symlink; libuv adds O_CLOEXEC) the lock file.
 * Lock files live in root's 0700 R/data/bpm/locks, out of a job's reach; O_NOFOLLOW keeps it so
 * should a link ever appear there. Errors: `open <file>: <text>`.
 */
function openLockFile(file: string): number {
  try {
    return openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    throw goPathError('open', file, err);
  }
}

/** Take an exclusive lock on `file`, waiting as long as it takes (no timeout, as upstream). */
export async function acquireLock(file: string): Promise<Lock> {
  const fd = openLockFile(file);
  try {
    // Uncontended (the common case): take it right here, without a worker thread.
    if (libc().flock(fd, LOCK_EX | LOCK_NB) === 0) return new FileLock(file, fd);
    const errno = libc().errno();
    if (errno !== EWOULDBLOCK && errno !== EINTR) throw new SysError('flock', errno);
    for (;;) {
      const { result, errno } = await libc().flockAsync(fd, LOCK_EX);
      if (result === 0) return new FileLock(file, fd);
      if (errno !== EINTR) throw new SysError('flock', errno);
    }
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Take the lock only if it is free right now; `undefined` when another descriptor holds it. */
export function tryLock(file: string): Lock | undefined {
  const fd = openLockFile(file);
  const rc = libc().flock(fd, LOCK_EX | LOCK_NB);
  if (rc === 0) return new FileLock(file, fd);
  const errno = libc().errno();
  closeSync(fd);
  if (errno === EWOULDBLOCK) return undefined;
  throw new SysError('flock', errno);
}
