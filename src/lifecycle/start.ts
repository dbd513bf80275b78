// `bpm start` main step (docs/behaviour/commands.md §2). runc calls: `state` (skipped when runc has no state
// file for the container, i.e. on every fresh start) and `run --detach`; plus `delete` for a failed one.
import { BpmError, messageOf } from '../errors.ts';
import { readPidFile, writePidFile } from '../host/pid-file.ts';
import type { Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { type ProcessRef, probeHost } from './context.ts';
import { loadConfig, processLocator, selectProcess } from './job-config.ts';
import { withProcessSession } from './process-session.ts';
import { runningOrCleared } from './recover.ts';

export async function startProcess(ref: ProcessRef, log: Logger): Promise<void> {
  log.info('starting');
  try {
    const config = loadConfig(ref, log);
    const proc = selectProcess(ref, config, log);
    traceTiming('config');
    const host = probeHost(ref.root);
    traceTiming('probed');
    const running = await runningOrCleared(ref, host, log);
    traceTiming('state');
    if (running !== undefined) {
      repairPidFile(ref, running.pid, log);
      return;
    }
    try {
      await withProcessSession(
        ref,
        host,
        proc,
        processLocator(config, proc),
        log.session('start-process'),
        ({ bundle, logs }) =>
          host.runc.runDetached({
            cid: ref.cid,
            bundle,
            pidFile: ref.paths.pidFile(ref.proc),
            stdoutFd: logs.stdout,
            stderrFd: logs.stderr,
            logFile: ref.paths.runcLog(ref.proc),
          }),
      );
    } catch (err) {
      log.error('failed-to-start', err);
      throw new BpmError(`failed to start job-process: ${messageOf(err)}`, { cause: err });
    }
  } finally {
    log.info('complete');
  }
}

/**
 * A running container whose pid file is missing or names another pid (it was made by `bpm run`
 * whose bpm was killed, or the file was lost): write the live pid, as runc would (temp + rename,
 * no newline; never through a link, src/host/pid-file.ts), so monit can see the process `start`
 * reports as running. Failures are logged only.
 */
function repairPidFile(ref: ProcessRef, pid: number, log: Logger): void {
  let current = '';
  try {
    current = readPidFile(ref.paths, ref.proc);
  } catch {
    // missing (or not a plain file): write it
  }
  if (pid <= 0 || current === String(pid)) return;
  log.info('repairing-pidfile', { pid: String(pid) });
  try {
    writePidFile(ref.paths, ref.proc, pid);
  } catch (err) {
    log.error('failed-to-repair-pidfile', err);
  }
}
