// `bpm supervise`: supervise every process of the given jobs until SIGTERM or SIGINT, then stop them
// all (dependents first, in parallel where depends_on allows, each within its shutdown_timeout) and
// resolve 0. A reload (SIGHUP, or `bpm reload` over the control socket) re-reads every bpm.yml. A
// SIGKILL leaves every container running; the next supervisor adopts them.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import { ExitWatcher } from '../sys/exit-watcher.ts';
import { tryLock } from '../sys/flock.ts';
import { becomeSubreaper, reapOrphans } from '../sys/reaper.ts';
import { type ControlReply, type ControlRequest, supervisorLockFile } from './control-protocol.ts';
import { closeControl, listenControl } from './control-server.ts';
import type { SupervisorPorts } from './process-port.ts';
import { type ReloadSummary, Supervision } from './supervision.ts';
import type { SupervisorLog } from './supervisor-log.ts';

export interface SuperviseOptions {
  root: RootPaths;
  /** The jobs named with --job; empty: every job with a bpm.yml under R (looked up again on reload). */
  jobs: readonly string[];
  log: SupervisorLog;
  /** Resolves when the supervisor should stop (the command wires SIGTERM/SIGINT to it). */
  shutdown: Promise<string>;
  /** Calls its listener on each reload request (the command wires SIGHUP); returns the unsubscribe. */
  onReload?: (listener: () => void) => () => void;
  /** The supervised processes' ports (the command passes the real ones: commands/supervisor-ports.ts). */
  ports: SupervisorPorts;
  /**
   * Called once every process is started or adopted, before it says so: the end of the start-up's
   * burst of work (the command hands the garbage of it back to the kernel).
   */
  settled?: () => void;
  /** Called once every process is started or adopted (the command sends sd_notify's READY=1). */
  ready?: () => void;
}

export async function supervise(opts: SuperviseOptions): Promise<number> {
  const { log } = opts.log;
  const lock = tryLock(supervisorLockFile(opts.root));
  if (lock === undefined) throw new BpmError('another bpm supervise is running for this BOSH root');
  // The inits of the containers it starts pass to it when their runc exits, so it can read how
  // they end; every other orphan that comes with that is reaped on SIGCHLD (src/sys/reaper.ts).
  becomeSubreaper();
  const stopReaping = reapOrphans();
  try {
    log.info('starting', { jobs: opts.jobs.join(','), pid: String(process.pid) });
    const watcher = new ExitWatcher();
    const supervision = new Supervision({
      root: opts.root,
      jobs: opts.jobs,
      watcher,
      log,
      ports: opts.ports,
    });
    let shuttingDown = false;
    const reload = (): Promise<ReloadSummary> => logReload(log, supervision.reload());
    const server = await listenControl(opts.root, {
      handle: (request) =>
        shuttingDown
          ? Promise.resolve({ ok: false, error: 'bpm supervise is shutting down' })
          : handle(supervision, reload, request),
    });
    const unsubscribe = opts.onReload?.(() => {
      if (!shuttingDown) void reload().catch(() => {});
    });
    const first = await supervision.start();
    void first.ups.then(() => {
      opts.settled?.();
      log.info('supervising', { processes: String(supervision.processes.length) });
      opts.ready?.();
    });
    const signal = await opts.shutdown;
    shuttingDown = true;
    unsubscribe?.();
    log.info('shutting-down', { signal });
    closeControl(opts.root, server);
    await supervision.stopAll();
    watcher.close();
    log.info('complete');
    return 0;
  } finally {
    stopReaping();
    lock.release();
  }
}

/** Log what a reload did (or why it failed); the summary passes through. */
async function logReload(log: Logger, reloading: Promise<ReloadSummary>): Promise<ReloadSummary> {
  try {
    const r = await reloading;
    log.info('reloaded', {
      started: r.started.join(','),
      stopped: r.stopped.join(','),
      restarted: r.restarted.join(','),
      unchanged: String(r.unchanged.length),
    });
    return r;
  } catch (err) {
    log.error('failed-to-reload', err, { reason: messageOf(err) });
    throw err;
  }
}

/**
 * One control request: change the desired state and answer when the process got there; a reload
 * answers once it is applied, not when every start it asked for is through.
 */
async function handle(
  supervision: Supervision,
  reload: () => Promise<ReloadSummary>,
  request: ControlRequest,
): Promise<ControlReply> {
  if (request.op === 'status') return { ok: true, processes: supervision.processes.map((p) => p.snapshot()) };
  if (request.op === 'reload') {
    // Applied: stops done, starts asked for (each then waits for its dependencies on its own).
    await reload();
    return { ok: true, processes: supervision.processes.map((p) => p.snapshot()) };
  }
  const target = supervision.find(request.job, request.process);
  if (target === undefined) return { ok: false, error: 'not supervised', unsupervised: true };
  if (request.op === 'start') await target.up();
  else if (request.op === 'stop') await target.down('by-operator');
  else await target.restart();
  const snapshot = target.snapshot();
  if (request.op !== 'stop' && snapshot.actual !== 'running' && snapshot.actual !== 'ready') {
    return {
      ok: false,
      error: `failed to start job-process: it is ${snapshot.actual} (see the supervisor log)`,
    };
  }
  return { ok: true, processes: [snapshot] };
}
