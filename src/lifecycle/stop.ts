// `bpm stop` main step (docs/behaviour/commands.md §3) with docs/behaviour/policy.md fix #8: after the
// shutdown signal bpm waits on the container init's pidfd (waking the moment it exits) for up to 20 s, then
// SIGQUIT, up to 2 s more, then `delete --force` (SIGKILL).
//
// runc calls: just `delete` when runc's state.json names a live init (docs/performance.md): bpm
// opens a pidfd on it, checks it is the very process runc started (pid + start time, as `runc
// state` and `runc kill` do) and signals through the pidfd, so no recycled pid can be hit.
// Otherwise, as before: state, kill, delete (+ kill QUIT on timeout).
import { closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BpmError, messageOf } from '../errors.ts';
import { removeBundle } from '../host/bundle.ts';
import { lexists } from '../host/glob.ts';
import type { Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import type { KillSignal } from '../runc/client.ts';
import { readInitProcess } from '../runc/state-file.ts';
import { openLiveProcess, signalPidfd } from '../sys/pidfd.ts';
import { waitForExit, waitForPidfd } from '../sys/wait-exit.ts';
import { type Host, type ProcessRef, probeHost } from './context.ts';
import { loadConfig, selectProcess } from './job-config.ts';
import { assertOwnContainer } from './ownership.ts';
import { removePidFile, removeProcess } from './remove.ts';
import { inSession } from './session.ts';

/** How long the process gets after the shutdown signal before SIGQUIT (the documented 20 s). */
export const STOP_TIMEOUT_MS = 20_000;
/** How long after SIGQUIT before the forced delete. */
export const QUIT_GRACE_MS = 2_000;

/** The container init, as something to signal and wait for. */
interface Init {
  signal(signal: KillSignal): Promise<void>;
  /** true once it exited; false after `timeoutMs`. */
  waitExit(timeoutMs: number): Promise<boolean>;
}

/** Through runc (`runc kill`) and the pid `runc state` reported (0: none, nothing to wait for). */
function runcInit(ref: ProcessRef, host: Host, pid: number): Init {
  return {
    signal: (signal) => host.runc.kill(ref.cid, signal),
    waitExit: async (timeoutMs) => pid <= 0 || (await waitForExit(pid, timeoutMs)),
  };
}

/** Through a pidfd on the verified init. */
function pidfdInit(fd: number): Init {
  return {
    signal: async (signal) => signalPidfd(fd, `SIG${signal}`),
    waitExit: (timeoutMs) => waitForPidfd(fd, timeoutMs),
  };
}

async function gracefulStop(log: Logger, init: Init, signal: KillSignal): Promise<void> {
  try {
    await init.signal(signal);
    traceTiming('signalled');
  } catch (err) {
    log.error('failed-to-stop', err); // typically: the container is not running any more
    return;
  }
  if (await init.waitExit(STOP_TIMEOUT_MS)) return;
  try {
    await init.signal('QUIT');
  } catch (err) {
    log.error('failed-to-sigquit', err);
  }
  await init.waitExit(QUIT_GRACE_MS);
  log.error('failed-to-stop', new Error('failed to stop job within timeout'));
}

/** A pidfd on the container's init when runc's state file names one that still runs. */
function openRunningInit(host: Host, ref: ProcessRef): number | undefined {
  const init = readInitProcess(host.runc.stateFile(ref.cid));
  return init === undefined ? undefined : openLiveProcess(init.pid, init.startTime);
}

async function removeContainer(ref: ProcessRef, host: Host, log: Logger): Promise<void> {
  try {
    await removeProcess(ref, host.runc, log);
  } catch (err) {
    log.error('failed-to-cleanup', err);
    throw new BpmError(`failed to cleanup job-process: ${messageOf(err)}`, { cause: err });
  }
}

/**
 * The init to stop through `runc state` (the fallback path), or undefined when the container does
 * not exist (then leftovers of a killed stop are removed).
 */
async function initFromRunc(ref: ProcessRef, host: Host, log: Logger): Promise<Init | undefined> {
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
    return undefined;
  }
  return runcInit(ref, host, state.state.status === 'stopped' ? 0 : state.state.pid);
}

/**
 * A job bpm knows nothing about: no bpm.yml, and no trace of a container (runc state, bundle, pid
 * file). Upstream's stop then succeeds after creating the job's log directory and bpm.log; here
 * the caller creates nothing and says so (issue #13). A container whose bpm.yml went away is still
 * stopped the usual way.
 */
export function isUnknownJob(ref: ProcessRef): boolean {
  const traces = [
    ref.paths.configFile,
    join(ref.root.runcRoot, ref.cid),
    ref.paths.bundle(ref.proc),
    ref.paths.pidFile(ref.proc),
  ];
  return traces.every((path) => !lexists(path));
}

export function stopProcess(ref: ProcessRef, log: Logger): Promise<void> {
  return inSession(log, async () => {
    const host = probeHost(ref.root);
    traceTiming('probed');
    assertOwnContainer(ref, host.runc.stateFile(ref.cid));
    const fd = openRunningInit(host, ref);
    traceTiming('pidfd');
    try {
      const init = fd === undefined ? await initFromRunc(ref, host, log) : pidfdInit(fd);
      if (init === undefined) return;
      const proc = selectProcess(ref, loadConfig(ref, log, 'stop'), log);
      traceTiming('config');
      await gracefulStop(log, init, proc.shutdownSignal === 'INT' ? 'INT' : 'TERM');
      traceTiming('exited');
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    await removeContainer(ref, host, log);
  });
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
