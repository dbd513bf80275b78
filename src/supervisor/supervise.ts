// `bpm supervise`: supervise every process of the given jobs until SIGTERM or SIGINT, then stop them
// all (in parallel, each within its shutdown_timeout) and resolve 0. A SIGKILL leaves every
// container running; the next supervisor adopts them.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError } from '../errors.ts';
import type { Operation } from '../lifecycle/context.ts';
import { ExitWatcher } from '../sys/exit-watcher.ts';
import { tryLock } from '../sys/flock.ts';
import { type ControlReply, type ControlRequest, supervisorLockFile } from './control-protocol.ts';
import { closeControl, listenControl } from './control-server.ts';
import { supervisedProcesses } from './jobs.ts';
import { SupervisedProcess } from './supervised-process.ts';
import type { SupervisorLog } from './supervisor-log.ts';

export interface SuperviseOptions {
  root: RootPaths;
  jobs: readonly string[];
  log: SupervisorLog;
  /** Resolves when the supervisor should stop (the command wires SIGTERM/SIGINT to it). */
  shutdown: Promise<string>;
  /** The lifecycle's ports for every start and stop (the command passes the real ones). */
  op: Operation;
}

export async function supervise(opts: SuperviseOptions): Promise<number> {
  const { log } = opts.log;
  const lock = tryLock(supervisorLockFile(opts.root));
  if (lock === undefined) throw new BpmError('another bpm supervise is running for this BOSH root');
  try {
    log.info('starting', { jobs: opts.jobs.join(','), pid: String(process.pid) });
    const watcher = new ExitWatcher();
    const clock = { now: () => Date.now() };
    const processes = supervisedProcesses(opts.root, opts.jobs, log).map(
      (s) => new SupervisedProcess(opts.root, s.job, s.config, watcher, log, clock, opts.op),
    );
    let shuttingDown = false;
    const server = await listenControl(opts.root, {
      handle: (request) =>
        shuttingDown
          ? Promise.resolve({ ok: false, error: 'bpm supervise is shutting down' })
          : handle(processes, request),
    });
    await Promise.all(processes.map((p) => p.up()));
    log.info('supervising', { processes: String(processes.length) });
    const signal = await opts.shutdown;
    shuttingDown = true;
    log.info('shutting-down', { signal });
    closeControl(opts.root, server);
    await Promise.all(processes.map((p) => p.down()));
    watcher.close();
    log.info('complete');
    return 0;
  } finally {
    lock.release();
  }
}

/** One control request: change the desired state and answer when the process got there. */
async function handle(
  processes: readonly SupervisedProcess[],
  request: ControlRequest,
): Promise<ControlReply> {
  if (request.op === 'status') return { ok: true, processes: processes.map((p) => p.snapshot()) };
  const target = processes.find((p) => p.ref.job === request.job && p.ref.proc === request.process);
  if (target === undefined) return { ok: false, error: 'not supervised', unsupervised: true };
  if (request.op !== 'start') await target.down();
  if (request.op !== 'stop') await target.up();
  const snapshot = target.snapshot();
  if (request.op !== 'stop' && snapshot.actual !== 'running' && snapshot.actual !== 'ready') {
    return {
      ok: false,
      error: `failed to start job-process: it is ${snapshot.actual} (see the supervisor log)`,
    };
  }
  return { ok: true, processes: [snapshot] };
}
