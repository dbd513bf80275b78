// `bpm start` main step (docs/behaviour/commands.md §2). runc calls: `state` (skipped when runc has no
// state file for the container, i.e. on every fresh start) and `run --detach`; plus `delete` for a
// failed one. Then a short watch of the new container (early-exit.ts): exit 0 as upstream, but a
// process that died at once is logged, recorded (last-exit.ts) and reported to the caller.
import type { Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { exitText } from '../text/exit-status.ts';
import { checkpoint, type Operation, probeHost, stepFailed } from './context.ts';
import { type EarlyExit, earlyExitWindow } from './early-exit.ts';
import { loadConfig, processLocator, selectProcess } from './job-config.ts';
import type { HostPort } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';
import { withProcessSession } from './process-session.ts';
import { runningOrCleared } from './recover.ts';
import { inSession } from './session.ts';

/** What a start that succeeded (exit 0, as upstream) should tell the operator. */
export interface StartOutcome {
  /** The process exited within the watch window right after its start. */
  exitedAtOnce?: EarlyExit;
}

export function startProcess(ref: ProcessRef, log: Logger, op: Operation): Promise<StartOutcome> {
  return inSession(log, async () => {
    checkpoint(op.signal);
    const config = loadConfig(ref, log);
    const proc = selectProcess(ref, config, log);
    traceTiming('config');
    const host = probeHost(op.host, ref.lockFd);
    traceTiming('probed');
    const running = await runningOrCleared(ref, host, op, log);
    traceTiming('state');
    if (running !== undefined) {
      repairPidFile(ref, op.host, running.pid, log);
      return {};
    }
    let runcMs = 0; // how long `runc run --detach` took: the early-exit watch scales with it
    checkpoint(op.signal);
    try {
      await withProcessSession(
        ref,
        host,
        op,
        proc,
        processLocator(config, proc),
        log.session('start-process'),
        async ({ bundle, logs }) => {
          // The container's init passes to bpm when runc exits, so that bpm can read its status.
          op.host.becomeSubreaper();
          const before = performance.now();
          await host.runc.runDetached({
            cid: ref.cid,
            bundle,
            pidFile: ref.paths.pidFile(ref.proc),
            stdoutFd: logs.stdout,
            stderrFd: logs.stderr,
            logFile: ref.paths.runcLog(ref.proc),
          });
          runcMs = performance.now() - before;
        },
      );
    } catch (err) {
      throw stepFailed(log, 'failed-to-start', 'failed to start job-process', err);
    }
    const early = await op.host.watchEarlyExit(ref, host, earlyExitWindow(runcMs));
    if (early === undefined) return {};
    noteEarlyExit(ref, early, op, log);
    return { exitedAtOnce: early };
  });
}

/** `exit status 3`, `signal: killed`, or `exit status unknown`. */
export function earlyExitText(early: EarlyExit): string {
  return early.end === undefined ? 'exit status unknown' : exitText(early.end);
}

/** Log the early exit and keep it as the process's last exit; neither may fail the start. */
function noteEarlyExit(ref: ProcessRef, early: EarlyExit, op: Operation, log: Logger): void {
  log.error('exited-right-after-start', new Error(earlyExitText(early)));
  try {
    op.host.recordLastExit(ref.paths, ref.proc, {
      at: early.at.toISOString(),
      code: early.end?.code ?? null,
      signal: early.end?.signal ?? null,
      seenBy: 'start',
    });
  } catch (err) {
    log.error('failed-to-record-exit', err);
  }
}

/**
 * A running container whose pid file is missing or names another pid (it was made by `bpm run`
 * whose bpm was killed, or the file was lost): write the live pid, as runc would (temp + rename,
 * no newline; never through a link, src/host/pid-file.ts), so monit can see the process `start`
 * reports as running. Failures are logged only.
 */
function repairPidFile(
  ref: ProcessRef,
  host: Pick<HostPort, 'readPidFile' | 'writePidFile'>,
  pid: number,
  log: Logger,
): void {
  let current = '';
  try {
    current = host.readPidFile(ref.paths, ref.proc);
  } catch {
    // missing (or not a plain file): write it
  }
  if (pid <= 0 || current === String(pid)) return;
  log.info('repairing-pidfile', { pid: String(pid) });
  try {
    host.writePidFile(ref.paths, ref.proc, pid);
  } catch (err) {
    log.error('failed-to-repair-pidfile', err);
  }
}
