// Learning how a container's init ended although bpm is not its parent: as a child subreaper
// (prctl PR_SET_CHILD_SUBREAPER) bpm inherits the init once `runc run --detach` exits, and can then
// reap it with waitpid(2) and read its status. Only processes that were bpm's descendants are
// affected, and only while bpm runs; when bpm exits they pass on to the next reaper as before.
import { constants as osConstants } from 'node:os';
import type { ExitResult } from '../text/exit-status.ts';
import { libc } from './libc.ts';

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;

/** Become the reaper of orphaned descendants; false when the kernel refuses. */
export function becomeSubreaper(): boolean {
  return libc().prctl(PR_SET_CHILD_SUBREAPER, 1) === 0;
}

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);

/** Decode a raw wait status (WIFEXITED / WIFSIGNALED). */
export function decodeWaitStatus(status: number): ExitResult {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalNames.get(sig) ?? 'SIGKILL' };
}

/**
 * Reap `pid` if it is bpm's child and has exited: its end; undefined when it still runs or is not
 * bpm's to reap (someone else's child, already reaped).
 */
export function reapExited(pid: number): ExitResult | undefined {
  const { pid: reaped, status } = libc().waitpid(pid, WNOHANG);
  return reaped === pid ? decodeWaitStatus(status) : undefined;
}
