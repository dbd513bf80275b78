// `bpm start` of a program that dies at once (issue #13): upstream exits 0 and nobody ever learns
// why `bpm list` says `failed`. After `runc run --detach` returned, bpm watches the container's
// init for a short window (on its pidfd: it wakes the moment the init exits, and a process that
// keeps running costs the window once; see earlyExitWindow). As the child subreaper of the runc it spawned, bpm
// inherits the init and can reap it and read its status; otherwise the status is unknown.
import { closeSync } from 'node:fs';
import { readInitProcess } from '../runc/state-file.ts';
import { openLiveProcess } from '../sys/pidfd.ts';
import { reapExited } from '../sys/reaper.ts';
import { waitForPidfd } from '../sys/wait-exit.ts';
import type { EarlyExit, RuncPort } from './ports.ts';

export type { EarlyExit };

import type { ProcessRef } from './process-ref.ts';

/** The shortest watch: a daemonizing nginx or a missing executable has gone well within it. */
export const EARLY_EXIT_MIN_MS = 50;
/** The longest watch, whatever the load. */
export const EARLY_EXIT_MAX_MS = 250;

/**
 * How long to watch: as long as `runc run` took to start the container, within the bounds. On a
 * loaded host everything is slower, the program's own start and death included, so the window
 * grows with runc's time instead of missing the death; on a quiet one it stays near the minimum.
 */
export function earlyExitWindow(runcMs: number): number {
  return Math.min(EARLY_EXIT_MAX_MS, Math.max(EARLY_EXIT_MIN_MS, Math.round(runcMs)));
}

/** The end of the container's init if it exits within `windowMs` of now; undefined if it runs on. */
export async function watchEarlyExit(
  ref: ProcessRef,
  host: { runc: Pick<RuncPort, 'stateFile'> },
  windowMs: number,
): Promise<EarlyExit | undefined> {
  const init = readInitProcess(host.runc.stateFile(ref.cid));
  if (init === undefined) return undefined; // runc's record is unreadable: nothing to judge by
  const fd = openLiveProcess(init.pid, init.startTime);
  if (fd !== undefined) {
    try {
      if (!(await waitForPidfd(fd, windowMs))) return undefined;
    } finally {
      closeSync(fd);
    }
  }
  // Exited (or a zombie already): reap it if it is bpm's, which also proves the pid is the init's.
  return { at: new Date(), end: reapExited(init.pid, init.startTime) };
}
