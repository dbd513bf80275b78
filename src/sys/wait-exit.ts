// Wait for an arbitrary (not necessarily child) process to exit, waking as soon as it does:
// pidfd_open(2) + poll(2) on a worker thread, or kill(pid, 0) plus /proc/PID/stat (zombie check) with a millisecond back-off where
// pidfds are unavailable. Both paths give up at the deadline without leaving a thread blocked: poll
// runs in bounded slices and the pidfd is closed only after the last slice returned.
import { closeSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasCode, SysError } from './errno.ts';
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
    if (hasCode(err, 'ESRCH')) return false;
    // EPERM: it exists but belongs to someone else.
    return true;
  }
}

/**
 * Resolve `true` as soon as process `pid` has exited (a zombie counts as exited), or `false` once
 * `timeoutMs` passed or `signal` aborted (within one poll slice; `Infinity` waits until then).
 */
export async function waitForExit(pid: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + Math.max(0, timeoutMs);
  const fd = libc().pidfdOpen(pid, 0);
  if (fd < 0) {
    const errno = libc().errno();
    if (errno === ESRCH) return true;
    if (errno === ENOSYS || errno === EPERM) return pollByKill(pid, deadline, signal);
    throw new SysError('pidfd_open', errno);
  }
  try {
    return await pollPidfd(fd, deadline, signal);
  } finally {
    closeSync(fd);
  }
}

/** waitForExit for a pidfd the caller holds (and closes only once this settled). */
export function waitForPidfd(fd: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return pollPidfd(fd, performance.now() + Math.max(0, timeoutMs), signal);
}

async function pollPidfd(fd: number, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  for (;;) {
    if (signal?.aborted) return false;
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
}

/** The fallback path of waitForExit (exported for tests): hasExited() with a growing back-off. */
export async function waitForExitByKill(pid: number, timeoutMs: number): Promise<boolean> {
  return pollByKill(pid, performance.now() + Math.max(0, timeoutMs), undefined);
}

/** Gone, or a zombie (exited, waiting for its parent to reap it): /proc/PID/stat state Z or X. */
function hasExited(pid: number): boolean {
  if (!processExists(pid)) return true;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return !processExists(pid);
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

async function pollByKill(pid: number, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  let delay = 1;
  for (;;) {
    if (hasExited(pid)) return true;
    const remaining = deadline - performance.now();
    if (remaining <= 0 || signal?.aborted) return false;
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, BACKOFF_MAX_MS);
  }
}
