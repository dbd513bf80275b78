// `bpm start` main step (cli.md §2). runc calls: `state` (skipped when runc has no state file for
// the container, i.e. on every fresh start) and `run --detach`; plus `delete` for a failed one.
import { BpmError, messageOf } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { type ProcessRef, probeHost } from './context.ts';
import { loadConfig, selectProcess } from './job-config.ts';
import { withProcessSession } from './process-session.ts';
import { removeIfFailed, stateOrRecover } from './recover.ts';

export async function startProcess(ref: ProcessRef, log: Logger): Promise<void> {
  log.info('starting');
  try {
    const config = loadConfig(ref, log);
    const proc = selectProcess(ref, config, log);
    const host = probeHost(ref.root);
    const state = await stateOrRecover(ref, host, log);
    if (state?.status === 'running') {
      log.info('process-already-running');
      return;
    }
    if (state !== undefined) await removeIfFailed(ref, host, log, state);
    try {
      await withProcessSession(ref, host, proc, log.session('start-process'), ({ bundle, logs }) =>
        host.runc.runDetached({
          cid: ref.cid,
          bundle,
          pidFile: ref.paths.pidFile(ref.proc),
          stdoutFd: logs.stdout,
          stderrFd: logs.stderr,
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
