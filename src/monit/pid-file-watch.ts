// The process a monit service's pid file names, and waiting for one to appear: the file is read
// with O_NOFOLLOW (a job may own its directory; a link it planted is not followed) and the pid is
// taken only with a pidfd whose start time matches, so a recycled pid is never mistaken for it.
// The wait reacts to inotify events on the file's directory (fs.watch); while that directory does
// not exist yet there is nothing to watch, and it is looked for again every 250 ms.
import { closeSync, constants, type FSWatcher, openSync, readSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { openLiveProcess, readProcStat } from '../sys/pidfd.ts';

export interface LivePid {
  pid: number;
  /** A pidfd the caller closes. */
  fd: number;
}

const DIR_RETRY_MS = 250;

/** The live process the pid file names now, or undefined. */
export function readLivePid(pidfile: string): LivePid | undefined {
  let text: string;
  try {
    const fd = openSync(pidfile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const buf = Buffer.alloc(32);
      text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 1) return undefined;
  const stat = readProcStat(pid);
  if (stat === undefined) return undefined;
  const fd = openLiveProcess(pid, stat.startTime);
  return fd === undefined ? undefined : { pid, fd };
}

/** Resolve with the live process once the pid file names one, or undefined when `signal` aborts. */
export function waitForLivePid(pidfile: string, signal: AbortSignal): Promise<LivePid | undefined> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let retry: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (v: LivePid | undefined): void => {
      done = true;
      watcher?.close();
      if (retry !== undefined) clearTimeout(retry);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = (): void => finish(undefined);
    const check = (): boolean => {
      if (done) return true;
      const live = readLivePid(pidfile);
      if (live !== undefined) finish(live);
      return live !== undefined;
    };
    const arm = (): void => {
      try {
        watcher = watch(dirname(pidfile), { persistent: false }, () => void check());
        watcher.on('error', () => {});
      } catch {
        retry = setTimeout(() => {
          if (!check()) arm();
        }, DIR_RETRY_MS);
        return;
      }
      check(); // the file may have been written before the watch began
    };
    if (signal.aborted) return resolve(undefined);
    signal.addEventListener('abort', onAbort);
    if (!check()) arm();
  });
}
