// The lifecycle preamble of start, stop and run (docs/behaviour/commands.md §1.4): bpm.log, then the
// per-process lock held for the whole operation. The lock is released explicitly and the release logged on
// failure too (docs/behaviour/policy.md fix #9); the kernel would drop it at exit anyway. With the
// operation's AbortSignal, the wait for a lock another bpm holds ends when it aborts (CancelledError).
// `main` gets the lock's descriptor in its ref (`lockFd`): the runc calls made under the lock inherit
// it, so that a bpm killed while one runs leaves the lock held until that runc is done
// (docs/behaviour/locking-and-recovery.md §1.2).
import type { RootPaths } from '../bosh/paths.ts';
import { lookupUser } from '../go/user.ts';
import { lifecycleLockName } from '../ids/container-id.ts';
import { setupBpmLog } from '../log/bpm-log.ts';
import { commandLogger, type Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { acquireLock, LockWaitAborted } from '../sys/flock.ts';
import { CancelledError } from './context.ts';
import { type ProcessRef, processRef } from './process-ref.ts';

/** `supervise`: the supervisor's own steps (clearing up after an exit), logged as `bpm.supervise.…`. */
export type LifecycleCommand = 'start' | 'stop' | 'run' | 'supervise';

/**
 * Open bpm.log, take the lifecycle lock, run `main` with the lock's descriptor in its ref, release
 * the lock. `signal` (the operation's) ends the wait for the lock when it aborts: CancelledError,
 * logged as failed-to-acquire-lock.
 */
export async function withLifecycleLock<T>(
  root: RootPaths,
  command: LifecycleCommand,
  job: string,
  proc: string,
  main: (ref: ProcessRef, log: Logger) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const ref = processRef(root, job, proc);
  const file = setupBpmLog(ref.paths, () => lookupUser('vcap'));
  traceTiming('bpm-log-open');
  try {
    const log = commandLogger(file, command, job, proc);
    const acquiring = log.session('acquiring-lifecycle-lock');
    acquiring.info('starting');
    let lock: Awaited<ReturnType<typeof acquireLock>>;
    try {
      lock = await acquireLock(root.lockFile(lifecycleLockName(job, proc)), signal);
      traceTiming('locked');
    } catch (err) {
      const failure = err instanceof LockWaitAborted ? new CancelledError(err.cause) : err;
      acquiring.error('failed-to-acquire-lock', failure);
      throw failure;
    } finally {
      acquiring.info('complete');
    }
    try {
      return await main({ ...ref, lockFd: lock.fd }, log);
    } finally {
      const releasing = log.session('releasing-lifecycle-lock');
      releasing.info('starting');
      try {
        lock.release();
      } catch (err) {
        releasing.error('failed-to-release-lock', err);
      }
      releasing.info('complete');
    }
  } finally {
    file.close();
  }
}
