// `bpm run JOB [-p PROC] [-v VOLUME]… [-e KEY=VALUE]…` (docs/behaviour/commands.md §4): glue between the CLI
// and src/lifecycle. The errand's exit status becomes bpm's (ExitStatusError).
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { runProcess } from '../lifecycle/run.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const run: Command = (inv) =>
  withLifecycleLock(inv.root, 'run', inv.job, inv.process, (ref, log) =>
    runProcess(ref, log, commandOperation(inv.root), {
      volumes: strings(inv.flags['volume']),
      env: strings(inv.flags['env']),
      stdout: process.stdout,
      stderr: process.stderr,
    }),
  );

export default run;
