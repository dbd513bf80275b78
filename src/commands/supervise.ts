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

export default superviseCommand;
