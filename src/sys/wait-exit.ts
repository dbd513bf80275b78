// Wait for an arbitrary (not necessarily child) process to exit, waking as soon as it does:
// pidfd_open(2) + poll(2) on a worker thread, or kill(pid, 0) with a millisecond back-off where
// pidfds are unavailable. Both paths give up at the deadline without leaving a thread blocked: poll
// runs in bounded slices and the pidfd is closed only after the last slice returned.
import { closeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

const { ENOSYS, ESRCH, EINTR, EPERM } = osConstants.errno;
const POLLIN = 0x1;
/** Longest single poll(2); bounds how long an abandoned wait keeps a worker thread busy. */
const POLL_SLICE_MS = 200;
const BACKOFF_MAX_MS = 50;

/** Whether the process `pid` exists (a zombie still counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists but belongs to someone else.
    return true;
  }
}

/**
 * Resolve `true` as soon as process `pid` has exited, or `false` once `timeoutMs` passed.
 * Note that an exited but unreaped child of the caller is still reported as exited on the pidfd
 * path (the pidfd turns readable at exit) but as alive on the fallback path.
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + Math.max(0, timeoutMs);
  const fd = libc().pidfdOpen(pid, 0);
  if (fd < 0) {
    const errno = libc().errno();
    if (errno === ESRCH) return true;
    if (errno === ENOSYS || errno === EPERM) return pollByKill(pid, deadline);
    throw new SysError('pidfd_open', errno);
  }
  try {
    for (;;) {
      const remaining = Math.ceil(deadline - performance.now());
      const { result, errno } = await libc().pollOneAsync(
        fd,
        POLLIN,
        Math.max(0, Math.min(remaining, POLL_SLICE_MS)),
      );
      if (result > 0) return true;
      if (result < 0 && errno !== EINTR) throw new SysError('poll', errno);
      if (remaining <= 0) return false;
    }
  } finally {
    closeSync(fd);
  }
}

/** The fallback path of waitForExit (exported for tests): kill(pid, 0) with a growing back-off. */
export async function waitForExitByKill(pid: number, timeoutMs: number): Promise<boolean> {
  return pollByKill(pid, performance.now() + Math.max(0, timeoutMs));
}

async function pollByKill(pid: number, deadline: number): Promise<boolean> {
  let delay = 1;
  for (;;) {
    if (!processExists(pid)) return true;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return false;
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, BACKOFF_MAX_MS);
  }
}
