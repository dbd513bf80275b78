// Exclusive BSD locks (flock(2)) on lock files (docs/behaviour/locking-and-recovery.md §1.1). The kernel
// drops the lock when the process dies because it is a real flock on an open descriptor.
//
// An uncontended lock is taken at once (LOCK_NB), with no thread or process. A contended one is
// waited for in one of two ways, neither polling:
//   - without an AbortSignal (a CLI command waits as long as it takes): flock(2) on a libuv worker
//     thread, so the event loop stays free;
//   - with one (a long-running caller that may give up): util-linux's flock(1) blocks in flock(2)
//     on a copy of the descriptor (its fd 3). A flock lock belongs to the open file description,
//     which the copy shares, so the lock flock(1) takes is ours once it exits 0. Aborting kills it
//     (SIGKILL) and closes our descriptor: had it just got the lock, that releases it, since no
//     descriptor of the description is left. A blocked thread could not be stopped this way, and
//     an OFD (fcntl) lock does not conflict with the flock locks other bpm processes take.
import { spawn } from 'node:child_process';
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

/** Waiting for the lock ended because the caller's AbortSignal aborted; `cause` is its reason. */
export class LockWaitAborted extends Error {
  constructor(reason: unknown) {
    super('waiting for the lock was aborted', { cause: reason });
  }
}

/** Block in flock(2) on a libuv worker thread until the lock is ours. */
async function waitOnThread(fd: number): Promise<void> {
  for (;;) {
    const { result, errno } = await libc().flockAsync(fd, LOCK_EX);
    if (result === 0) return;
    if (errno !== EINTR) throw new SysError('flock', errno);
  }
}

/** Block in flock(1) on a copy of `fd` until the lock is ours, or kill it when `abort` aborts. */
function waitInChild(fd: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['--exclusive', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const onAbort = () => child.kill('SIGKILL');
    abort.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      abort.removeEventListener('abort', onAbort);
      reject(new Error(`flock: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      abort.removeEventListener('abort', onAbort);
      if (abort.aborted) reject(new LockWaitAborted(abort.reason));
      else if (code === 0) resolve();
      else reject(new Error(`flock: ${stderr.trim() || `exit status ${code}`}`));
    });
  });
}

/**
 * Take an exclusive lock on `file`, waiting as long as it takes (no timeout, as upstream) or, with
 * `abort`, until it aborts: then LockWaitAborted, and nothing is held.
 */
export async function acquireLock(file: string, abort?: AbortSignal): Promise<Lock> {
  if (abort?.aborted) throw new LockWaitAborted(abort.reason);
  const fd = openLockFile(file);
  try {
    // Uncontended (the common case): take it right here, without a thread or a process.
    if (libc().flock(fd, LOCK_EX | LOCK_NB) === 0) return new FileLock(file, fd);
    const errno = libc().errno();
    if (errno !== EWOULDBLOCK && errno !== EINTR) throw new SysError('flock', errno);
    await (abort === undefined ? waitOnThread(fd) : waitInChild(fd, abort));
    return new FileLock(file, fd);
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
