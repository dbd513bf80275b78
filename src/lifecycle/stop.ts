// `bpm stop` main step (docs/behaviour/commands.md §3) with docs/behaviour/policy.md fix #8: after the
// shutdown signal bpm waits on the container init's exit (a pidfd: waking the moment it exits) for up
// to `stopTimeouts.stopMs` (20 s), then SIGQUIT, up to `quitMs` (2 s) more, then `delete --force`
// (SIGKILL). The timers are the operation's clock; aborting the operation ends the waits.
//
// runc calls: just `delete` when runc's state.json names a live init (docs/performance.md): the host
// port opens a pidfd on it, checks it is the very process runc started (pid + start time, as `runc
// state` and `runc kill` do) and signals through the pidfd, so no recycled pid can be hit.
// Otherwise, as before: state, kill, delete (+ kill QUIT on timeout).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessConfig } from '../config/types.ts';
import { lexists } from '../go/os.ts';
import { removeBundle } from '../host/bundle.ts';
import type { Logger } from '../log/logger.ts';
import { traceTiming } from '../log/trace-timing.ts';
import { checkpoint, type Host, type Operation, probeHost, stepFailed } from './context.ts';
import { loadConfig, selectProcess } from './job-config.ts';
import { assertOwnContainer } from './ownership.ts';
import type { HostPort, InitHandle } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';
import { removeProcess } from './remove.ts';
import { inSession } from './session.ts';

/** Through runc (`runc kill`) and the pid `runc state` reported (0: none, nothing to wait for). */
function runcInit(ref: ProcessRef, host: Host, op: Operation, pid: number): InitHandle {
  return {
    signal: (signal) => host.runc.kill(ref.cid, signal),
    exited: async (abort) => pid <= 0 || (await op.host.processExited(pid, abort)),
    close: () => {},
  };
}

/** Whether `exited` resolved true within `ms` of the operation's clock. */
async function exitsWithin(op: Operation, exited: Promise<boolean>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    const timeout = op.clock.sleep(ms, AbortSignal.any([timer.signal, op.signal])).then(() => false);
    return await Promise.race([exited, timeout]);
  } finally {
    timer.abort();
  }
}

/** What stop's escalation needs of the process's config. */
export type ShutdownConfig = Pick<ProcessConfig, 'shutdownSignal' | 'shutdownTimeoutMs'>;

/**
 * Stop's escalation up to the forced kill: the process's shutdown signal, up to its
 * `shutdown_timeout` (else the operation's `stopMs`), SIGQUIT, up to `quitMs`. Resolves true once
 * the init exited (or could not be signalled: it is not running), false when it outlived both
 * waits; the caller then kills it. `bpm stop` and a stopped `bpm run` both end this way.
 */
export async function shutDown(
  log: Logger,
  init: InitHandle,
  proc: ShutdownConfig,
  op: Operation,
): Promise<boolean> {
  // The process's own shutdown_timeout wins over the operation's default (docs/supervisor.md).
  const stopMs = proc.shutdownTimeoutMs ?? op.stopTimeouts.stopMs;
  try {
    await init.signal(proc.shutdownSignal === 'INT' ? 'INT' : 'TERM');
    traceTiming('signalled');
  } catch (err) {
    log.error('failed-to-stop', err); // typically: the container is not running any more
    return true;
  }
  const watching = new AbortController();
  const exited = init.exited(AbortSignal.any([watching.signal, op.signal]));
  try {
    if (await exitsWithin(op, exited, stopMs)) return true;
    checkpoint(op.signal);
    try {
      await init.signal('QUIT');
    } catch (err) {
      log.error('failed-to-sigquit', err);
    }
    const quit = await exitsWithin(op, exited, op.stopTimeouts.quitMs);
    checkpoint(op.signal);
    // Logged even when SIGQUIT ended it, as upstream does (docs/behaviour/commands.md §3).
    log.error('failed-to-stop', new Error('failed to stop job within timeout'));
    return quit;
  } finally {
    watching.abort();
  }
}

async function removeContainer(ref: ProcessRef, host: Host, op: Operation, log: Logger): Promise<void> {
  try {
    await removeProcess(ref, host.runc, op.host, log, op.keepBundles);
  } catch (err) {
    throw stepFailed(log, 'failed-to-cleanup', 'failed to cleanup job-process', err);
  }
}

/**
 * The init to stop through `runc state` (the fallback path), or undefined when the container does
 * not exist (then leftovers of a killed stop are removed).
 */
async function initFromRunc(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  log: Logger,
): Promise<InitHandle | undefined> {
  let state: Awaited<ReturnType<Host['runc']['state']>>;
  try {
    state = await host.runc.state(ref.cid);
  } catch (err) {
    throw stepFailed(log, 'failed-to-get-job', 'failed to get job-process status', err);
  }
  if (!state.exists) {
    log.info('job-already-stopped');
    await removeLeftovers(ref, op.host, log, op.keepBundles);
    return undefined;
  }
  return runcInit(ref, host, op, state.state.status === 'stopped' ? 0 : state.state.pid);
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

/**
 * Stop the process. `known` is its config when the caller holds it (the supervisor stops what it
 * started, with that config's shutdown settings, even once its bpm.yml is gone or broken);
 * otherwise bpm.yml is read, as upstream does.
 */
export function stopProcess(
  ref: ProcessRef,
  log: Logger,
  op: Operation,
  known?: ProcessConfig,
): Promise<void> {
  return inSession(log, async () => {
    checkpoint(op.signal);
    const host = probeHost(op.host, ref.lockFd);
    traceTiming('probed');
    const stateFile = host.runc.stateFile(ref.cid);
    assertOwnContainer(ref, stateFile);
    const live = op.host.openInit(stateFile);
    traceTiming('pidfd');
    try {
      const init = live ?? (await initFromRunc(ref, host, op, log));
      if (init === undefined) return;
      const proc = known ?? selectProcess(ref, loadConfig(ref, log, 'stop'), log);
      traceTiming('config');
      await shutDown(log, init, proc, op);
      traceTiming('exited');
    } finally {
      live?.close();
    }
    await removeContainer(ref, host, op, log);
  });
}

/**
 * No container, but a bundle or pid file left by a stop that was killed between `runc delete` and
 * their removal: remove them now, so that no stale pid file (whose number the kernel may reuse)
 * outlives the container (the bundle stays with `keepBundle`, src/lifecycle/remove.ts). Nothing
 * is logged when there is nothing to remove.
 */
async function removeLeftovers(
  ref: ProcessRef,
  host: Pick<HostPort, 'removePidFile'>,
  log: Logger,
  keepBundle = false,
): Promise<void> {
  try {
    if (!keepBundle && existsSync(ref.paths.bundle(ref.proc))) {
      log.info('destroying-bundle');
      await removeBundle(ref.paths, ref.proc);
    }
    if (existsSync(ref.paths.pidFile(ref.proc))) {
      log.info('deleting-pidfile');
      host.removePidFile(ref.paths, ref.proc);
    }
  } catch (err) {
    throw stepFailed(log, 'failed-to-cleanup', 'failed to cleanup job-process', err);
  }
}
