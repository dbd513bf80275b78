// `bpm run` main step (docs/behaviour/commands.md §4): the process in the foreground, output teed to its logs
// and to bpm's stdout/stderr, bpm's exit status = the process's. With docs/behaviour/policy.md fix #1, a
// failure before runc runs exits 1 (same message as upstream, which exited 0). With fix #13, aborting the
// operation (the command does on SIGTERM/SIGINT) stops the container and the run still ends with its status.
import type { Writable } from 'node:stream';
import { applyRunEnv, applyRunVolumes } from '../config/run-flags.ts';
import { ExitStatusError, messageOf } from '../errors.ts';
import { fsVolumeHost } from '../host/volume-host.ts';
import type { Logger } from '../log/logger.ts';
import { type ForegroundEnd, failureText } from '../runc/client.ts';
import { exitCode, succeeded } from '../text/exit-status.ts';
import { checkpoint, type Operation, probeHost } from './context.ts';
import { loadConfig, processLocator, selectProcess } from './job-config.ts';
import type { ProcessRef } from './process-ref.ts';
import { withProcessSession } from './process-session.ts';
import { runningOrCleared } from './recover.ts';
import { clearRunOwner, recordRunOwner } from './run-owner.ts';
import { inSession } from './session.ts';
import { type RunEvents, runStoppable } from './stoppable-run.ts';

export interface RunOptions {
  /** `-v` values, in order. */
  volumes: string[];
  /** `-e` values, in order. */
  env: string[];
  /** bpm's own streams, which receive the process's output besides its log files. */
  stdout: Writable;
  stderr: Writable;
  /** Told when the process is up (sd_notify's READY=1 under systemd). */
  events?: RunEvents;
}

/**
 * The container already runs (a `bpm run` killed before its errand ended, or `bpm start`): this
 * run cannot collect its exit status — only runc's parent can — and must not report success for
 * an errand it did not run. Upstream exits 0 here.
 */
function stillRunning(ref: ProcessRef, pid: number): ExitStatusError {
  const stop = ref.proc === ref.job ? `bpm stop ${ref.job}` : `bpm stop ${ref.job} -p ${ref.proc}`;
  return new ExitStatusError(
    `failed to run job-process: the process is still running (pid ${pid}), from an earlier bpm run or bpm start; its exit status cannot be collected here: wait for it to end, or stop it with \`${stop}\``,
    1,
  );
}

/** Resolves with 0 when the process exited 0; throws ExitStatusError carrying its status otherwise. */
export function runProcess(
  ref: ProcessRef,
  log: Logger,
  op: Operation,
  options: RunOptions,
): Promise<number> {
  return inSession(log, async () => {
    checkpoint(op.signal);
    const config = loadConfig(ref, log);
    const proc = selectProcess(ref, config, log);
    // The flag volumes are checked like the file's: against this host's jobs and symlinks.
    const validation = { root: ref.root.root, job: ref.job, host: fsVolumeHost(ref.root.root) };
    try {
      applyRunVolumes(proc, options.volumes, validation);
    } catch (err) {
      log.error('invalid-volume-definition', err);
      throw err;
    }
    try {
      applyRunEnv(proc, options.env, validation);
    } catch (err) {
      log.error('invalid-environment-definition', err);
      throw err;
    }
    const host = probeHost(op.host, ref.lockFd);
    const running = await runningOrCleared(ref, host, op, log, 'run');
    if (running !== undefined) throw stillRunning(ref, running.pid);

    checkpoint(op.signal);
    let exit: ForegroundEnd;
    try {
      exit = await withProcessSession(
        ref,
        host,
        op,
        proc,
        processLocator(config, proc),
        log.session('run-process'),
        async ({ bundle, logs }) => {
          // A stop requested during the set-up: nothing runs yet, so nothing is started.
          checkpoint(op.signal);
          try {
            recordRunOwner(ref, op.host.self());
          } catch (err) {
            // Only `bpm stop` from another shell needs it; the run goes on without.
            log.error('failed-to-record-run', err);
          }
          try {
            return await runStoppable(
              ref,
              host,
              op,
              proc,
              log,
              {
                cid: ref.cid,
                bundle,
                tee: {
                  stdoutLog: logs.stdout,
                  stderrLog: logs.stderr,
                  stdout: options.stdout,
                  stderr: options.stderr,
                },
                logFile: ref.paths.runcLog(ref.proc),
              },
              options.events ?? {},
            );
          } finally {
            clearRunOwner(ref);
          }
        },
      );
    } catch (err) {
      // Nothing ran: upstream reports `(exit status 0)` and exits 0; we keep the text, exit 1.
      throw new ExitStatusError(`failed to run job-process: ${messageOf(err)} (exit status 0)`, 1);
    }
    // runc's own failure means the process never ran: there is no exit of it to keep.
    if (exit.runcError === undefined) keepLastExit(ref, exit, op, log);
    if (succeeded(exit)) return 0;
    const code = exitCode(exit);
    throw new ExitStatusError(
      `failed to run job-process: ${failureText(exit, exit.runcError)} (exit status ${code})`,
      code & 0xff,
    );
  });
}

/** The errand's end as its last exit; a failure to record it is logged, never fatal. */
function keepLastExit(ref: ProcessRef, exit: ForegroundEnd, op: Operation, log: Logger): void {
  try {
    op.host.recordLastExit(ref.paths, ref.proc, {
      at: new Date(op.clock.now()).toISOString(),
      code: exit.code,
      signal: exit.signal,
      seenBy: 'run',
    });
  } catch (err) {
    log.error('failed-to-record-exit', err);
  }
}
