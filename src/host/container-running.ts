// The moment a container that a foreground `runc run` is creating begins to run its process, read
// from runc's state directory through inotify (fs.watch), never by polling. runc makes
// `ROOT/CID/`, creates `exec.fifo` in it, writes `state.json` once the container exists, and
// removes `exec.fifo` once the init has exec'd the process: a `state.json` without `exec.fifo`
// means the process runs (or already ran).
import { existsSync, type FSWatcher, watch } from 'node:fs';
import { dirname, join } from 'node:path';

function running(dir: string): boolean {
  return existsSync(join(dir, 'state.json')) && !existsSync(join(dir, 'exec.fifo'));
}

/**
 * Resolves true once the container of `stateFile` (`ROOT/CID/state.json`) runs its process, false
 * when `abort` aborts first. The directories are watched as they appear (runc may create its root
 * only now), each checked again once its watch is in place, so no step is missed.
 */
export function containerRunning(stateFile: string, abort: AbortSignal): Promise<boolean> {
  const dir = dirname(stateFile);
  const levels = [dirname(dirname(dir)), dirname(dir), dir];
  return new Promise((resolve) => {
    const watchers = new Map<string, FSWatcher>();
    let done = false;
    const finish = (value: boolean): void => {
      if (done) return;
      done = true;
      for (const w of watchers.values()) w.close();
      abort.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => finish(false);
    const check = (): void => {
      if (done) return;
      for (const level of levels) {
        if (watchers.has(level) || !existsSync(level)) continue;
        try {
          const w = watch(level, { persistent: false }, check);
          w.on('error', () => {}); // the directory went away: runc removed the container
          watchers.set(level, w);
        } catch {
          // it vanished between the check and the watch; a watch above it sees it come back
        }
      }
      if (running(dir)) finish(true);
    };
    if (abort.aborted) {
      resolve(false);
      return;
    }
    abort.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
