// `bpm supervise`: supervise every process of the given jobs until SIGTERM or SIGINT, then stop them
// all (in parallel, each within its shutdown_timeout) and resolve 0. A SIGKILL leaves every
// container running; the next supervisor adopts them.
import type { RootPaths } from '../bosh/paths.ts';
import { ExitWatcher } from '../sys/exit-watcher.ts';
import { supervisedProcesses } from './jobs.ts';
import { SupervisedProcess } from './supervised-process.ts';
import type { SupervisorLog } from './supervisor-log.ts';

export interface SuperviseOptions {
  root: RootPaths;
  jobs: readonly string[];
  log: SupervisorLog;
  /** Resolves when the supervisor should stop (the command wires SIGTERM/SIGINT to it). */
  shutdown: Promise<string>;
}

export async function supervise(opts: SuperviseOptions): Promise<number> {
  const { log } = opts.log;
  log.info('starting', { jobs: opts.jobs.join(','), pid: String(process.pid) });
  const watcher = new ExitWatcher();
  const clock = { now: () => Date.now() };
  const processes = supervisedProcesses(opts.root, opts.jobs, log).map(
    (s) => new SupervisedProcess(opts.root, s.job, s.config, watcher, log, clock),
  );
  await Promise.all(processes.map((p) => p.up()));
  log.info('supervising', { processes: String(processes.length) });
  const signal = await opts.shutdown;
  log.info('shutting-down', { signal });
  await Promise.all(processes.map((p) => p.down()));
  watcher.close();
  log.info('complete');
  return 0;
}
