// `bpm stop JOB [-p PROC]` (docs/behaviour/commands.md §3): glue between the CLI and src/lifecycle.

import { withLifecycleLock } from '../lifecycle/lock.ts';
import { processRef } from '../lifecycle/process-ref.ts';
import { askRunOwnerToStop } from '../lifecycle/run-owner.ts';
import { isUnknownJob, stopProcess } from '../lifecycle/stop.ts';
import { printNothingToStop } from '../presenters/lifecycle-notices.ts';
import { forwardToSupervisor } from '../supervisor/control-client.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const stop: Command = async (inv) => {
  const ref = processRef(inv.root, inv.job, inv.process);
  if (isUnknownJob(ref)) {
    // Exit 0 as upstream (scripts stop jobs that may never have run); nothing is created.
    printNothingToStop(inv.job, ref.paths.configFile);
    return 0;
  }
  // While `bpm supervise` runs, it owns the desired state (docs/supervisor.md).
  if (await forwardToSupervisor(inv.root, 'stop', inv.job, inv.process)) return 0;
  const op = commandOperation(inv.root);
  // A `bpm run` of it holds the lock until its process ends: ask it to stop that process first.
  const runner = await askRunOwnerToStop(ref, op.host);
  await withLifecycleLock(inv.root, 'stop', inv.job, inv.process, (ref, log) => {
    if (runner !== undefined) log.info('asked-bpm-run-to-stop', { pid: String(runner) });
    return stopProcess(ref, log, op);
  });
  return 0;
};

export default stop;
