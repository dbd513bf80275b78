// `bpm supervise [--job JOB]...` (docs/supervisor.md): glue between the CLI and src/supervisor.
import { BpmError, messageOf } from '../errors.ts';
import { jobsWithConfig } from '../supervisor/jobs.ts';
import { supervise } from '../supervisor/supervise.ts';
import { openSupervisorLog } from '../supervisor/supervisor-log.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const superviseCommand: Command = async (inv) => {
  const named = inv.flags['job'];
  const jobs = Array.isArray(named) && named.length > 0 ? named : jobsWithConfig(inv.root);
  sizeWorkerPool(jobs.length);
  let log: ReturnType<typeof openSupervisorLog>;
  try {
    log = openSupervisorLog(inv.root);
  } catch (err) {
    throw new BpmError(`failed to open the supervisor log: ${messageOf(err)}`, { cause: err });
  }
  const shutdown = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    return await supervise({ root: inv.root, jobs, log, shutdown, op: commandOperation(inv.root) });
  } finally {
    log.close();
  }
};

/**
 * Every start's early-exit watch and every stop's exit wait blocks one libuv worker in poll(2)
 * (src/sys/wait-exit.ts), and libuv has 4 workers by default, one of them held by the ExitWatcher:
 * 30 parallel starts queued their 50–250 ms watches three at a time (docs/performance.md, "The
 * supervisor"). Give it a worker per job for the two waits a job can have at once. libuv reads the
 * variable when the pool first starts, which is after this point (nothing before used it); an
 * operator's own UV_THREADPOOL_SIZE wins.
 */
function sizeWorkerPool(jobs: number): void {
  if (process.env['UV_THREADPOOL_SIZE'] !== undefined) return;
  process.env['UV_THREADPOOL_SIZE'] = String(Math.min(128, 4 + 2 * jobs));
}

export default superviseCommand;
