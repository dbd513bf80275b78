// `bpm stop` main step (cli.md §3) with policy.md fix #8: after the shutdown signal bpm waits on
// the container init's pidfd (waking the moment it exits) for up to 20 s, then SIGQUIT, up to 2 s
// more, then `delete --force` (SIGKILL). runc calls: state, kill, delete (+ kill QUIT on timeout).
import { existsSync } from 'node:fs';
import { BpmError, messageOf } from '../errors.ts';
import { removeBundle } from '../host/bundle.ts';
import type { Logger } from '../log/logger.ts';
import type { KillSignal } from '../runc/client.ts';
import { waitForExit } from '../sys/wait-exit.ts';
import { type Host, type ProcessRef, probeHost } from './context.ts';
import { loadConfig, selectProcess } from './job-config.ts';
import { removePidFile, removeProcess } from './remove.ts';

/** How long the process gets after the shutdown signal before SIGQUIT (the documented 20 s). */
export const STOP_TIMEOUT_MS = 20_000;
/** How long after SIGQUIT before the forced delete. */
export const QUIT_GRACE_MS = 2_000;

async function gracefulStop(
  ref: ProcessRef,
  host: Host,
  log: Logger,
  pid: number,
  signal: KillSignal,
): Promise<void> {
  try {
    await host.runc.kill(ref.cid, signal);
  } catch (err) {
    log.error('failed-to-stop', err); // typically: the container is not running any more
    return;
  }
  if (pid <= 0 || (await waitForExit(pid, STOP_TIMEOUT_MS))) return;
  try {
    await host.runc.kill(ref.cid, 'QUIT');
  } catch (err) {
    log.error('failed-to-sigquit', err);
  }
  await waitForExit(pid, QUIT_GRACE_MS);
  log.error('failed-to-stop', new Error('failed to stop job within timeout'));
}

export async function stopProcess(ref: ProcessRef, log: Logger): Promise<void> {
  log.info('starting');
  try {
    const host = probeHost(ref.root);
    let state: Awaited<ReturnType<Host['runc']['state']>>;
    try {
      state = await host.runc.state(ref.cid);
    } catch (err) {
      log.error('failed-to-get-job', err);
      throw new BpmError(`failed to get job-process status: ${messageOf(err)}`, { cause: err });
    }
    if (!state.exists) {
      log.info('job-already-stopped');
      removeLeftovers(ref, log);
      return;
    }
    const proc = selectProcess(ref, loadConfig(ref, log), log);
    const pid = state.state.status === 'stopped' ? 0 : state.state.pid;
    await gracefulStop(ref, host, log, pid, proc.shutdownSignal === 'INT' ? 'INT' : 'TERM');
    try {
      await removeProcess(ref, host.runc, log);
    } catch (err) {
      log.error('failed-to-cleanup', err);
      throw new BpmError(`failed to cleanup job-process: ${messageOf(err)}`, { cause: err });
    }
  } finally {
    log.info('complete');
  }
}

/**
 * No container, but a bundle or pid file left by a stop that was killed between `runc delete` and
 * their removal: remove them now, so that no stale pid file (whose number the kernel may reuse)
 * outlives the container. Nothing is logged when there is nothing to remove.
 */
function removeLeftovers(ref: ProcessRef, log: Logger): void {
  try {
    if (existsSync(ref.paths.bundle(ref.proc))) {
      log.info('destroying-bundle');
      removeBundle(ref.paths, ref.proc);
    }
    if (existsSync(ref.paths.pidFile(ref.proc))) {
      log.info('deleting-pidfile');
      removePidFile(ref);
    }
  } catch (err) {
    log.error('failed-to-cleanup', err);
    throw new BpmError(`failed to cleanup job-process: ${messageOf(err)}`, { cause: err });
  }
}
