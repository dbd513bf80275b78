// `bpm supervise [--job JOB]...` (docs/supervisor.md): glue between the CLI and src/supervisor.
// SIGTERM/SIGINT end it (later ones are ignored while it stops everything); under a systemd
// Type=notify unit it reports READY=1 once everything is supervised (with --monit-compat: once the
// monit API listens) and STOPPING=1 on the signal.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf, UsageError } from '../errors.ts';
import { serviceNotifier } from '../host/service-notifier.ts';
import { catchStopSignals } from '../host/stop-signals.ts';
import type { Operation } from '../lifecycle/context.ts';
import { DEFAULT_MONIT_PORT, superviseMonitCompat } from '../monit/monit-compat.ts';
import { printNotifyFailed } from '../presenters/lifecycle-notices.ts';
import { jobsWithConfig } from '../supervisor/jobs.ts';
import { supervise } from '../supervisor/supervise.ts';
import { openSupervisorLog, type SupervisorLog } from '../supervisor/supervisor-log.ts';
import { limitMallocArenas } from '../sys/malloc.ts';
import { heapForMemory, releaseHeapGarbage } from '../sys/v8-heap.ts';
import { commandOperation } from './lifecycle-ports.ts';
import { supervisorPorts } from './supervisor-ports.ts';
import type { Command } from './types.ts';

const superviseCommand: Command = async (inv) => {
  const named = inv.flags['job'];
  // None named: every job with a bpm.yml, looked up again on each reload.
  const jobs = Array.isArray(named) ? named : [];
  heapForMemory();
  limitMallocArenas(2); // before the worker pool's threads start
  sizeWorkerPool(jobs.length > 0 ? jobs.length : jobsWithConfig(inv.root).length);
  let opened: SupervisorLog;
  try {
    opened = openSupervisorLog(inv.root);
  } catch (err) {
    throw new BpmError(`failed to open the supervisor log: ${messageOf(err)}`, { cause: err });
  }
  const notifier = serviceNotifier(process.env, process.pid, (reason) =>
    printNotifyFailed('supervise', reason),
  );
  const log = opened;
  const stop = catchStopSignals();
  const shutdown = new Promise<string>((resolve) => {
    stop.signal.addEventListener(
      'abort',
      () => {
        notifier.stopping();
        resolve(String(stop.signal.reason));
      },
      { once: true },
    );
  });
  try {
    const ports = supervisorPorts(inv.root, supervisorOperation(inv.root));
    if (inv.flags['monit-compat'] === true) {
      if (Array.isArray(named) && named.length > 0)
        throw new UsageError('--job and --monit-compat exclude each other');
      const port = inv.flags['monit-port'];
      return await superviseMonitCompat({
        root: inv.root,
        log,
        ports,
        address: '127.0.0.1',
        port: typeof port === 'number' && port > 0 ? port : DEFAULT_MONIT_PORT,
        shutdown,
        onReload: (listener) => process.on('SIGHUP', listener),
        ready: () => notifier.ready(),
      });
    }
    return await supervise({
      root: inv.root,
      jobs,
      log,
      shutdown,
      onReload: (listener) => {
        process.on('SIGHUP', listener);
        return () => process.off('SIGHUP', listener);
      },
      ports,
      settled: releaseHeapGarbage,
      ready: () => notifier.ready(),
    });
  } finally {
    stop.release();
    log.close();
  }
};

/**
 * The command's ports, except that a start does not wait out its early-exit window (50–250 ms,
 * src/lifecycle/early-exit.ts): the supervisor watches each init's pidfd for as long as it runs,
 * so a death right after the start is seen when it happens, as a crash, and restarted by the
 * policy. The check stays with a zero window: an init already gone when `runc run` returns is
 * still reaped and recorded by the start, as before (docs/performance.md, "The supervisor").
 */
function supervisorOperation(root: RootPaths): Operation {
  const op = commandOperation(root);
  return {
    ...op,
    host: { ...op.host, watchEarlyExit: (ref, host) => op.host.watchEarlyExit(ref, host, 0) },
  };
}

/**
 * Each stop's exit wait (and a start's early-exit check) holds one libuv worker in poll(2)
 * (src/sys/wait-exit.ts), and libuv has 4 workers by default, one of them held by the ExitWatcher:
 * with 50–250 ms early-exit windows, 30 parallel starts waited three at a time (docs/performance.md,
 * "The supervisor"). Give it a worker per job for the two waits a job can have at once. libuv reads the
 * variable when the pool first starts, which is after this point (nothing before used it); an
 * operator's own UV_THREADPOOL_SIZE wins.
 */
function sizeWorkerPool(jobs: number): void {
  if (process.env['UV_THREADPOOL_SIZE'] !== undefined) return;
  process.env['UV_THREADPOOL_SIZE'] = String(Math.min(128, 4 + 2 * jobs));
}

export default superviseCommand;
