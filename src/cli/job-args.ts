// JOB and PROC from the command line (docs/behaviour/commands.md §1.3), validated before any path is built
// (docs/behaviour/policy.md fix #3).
import { UsageError } from '../errors.ts';
import { validateJobName, validateProcessName } from '../ids/names.ts';
import type { ParsedArgs } from './parse-flags.ts';

export interface JobArgs {
  job: string;
  process: string;
}

export function validateJobArgs(parsed: Pick<ParsedArgs, 'positional' | 'flags'>): JobArgs {
  const job = parsed.positional[0];
  if (job === undefined) throw new UsageError('must specify a job');
  const flag = parsed.flags['process'];
  const proc = typeof flag === 'string' && flag !== '' ? flag : job;
  validateJobName(job);
  validateProcessName(proc);
  return { job, process: proc };
}
