// `bpm start JOB [-p PROC]` (docs/behaviour/commands.md §2): glue between the CLI and src/lifecycle.
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { earlyExitText, startProcess } from '../lifecycle/start.ts';
import { printExitedAtOnce } from '../presenters/lifecycle-notices.ts';
import { forwardToSupervisor } from '../supervisor/control-client.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const start: Command = async (inv) => {
  // While `bpm supervise` runs, it owns the desired state (docs/supervisor.md).
  if (await forwardToSupervisor(inv.root, 'start', inv.job, inv.process)) return 0;
  const op = commandOperation(inv.root);
  const outcome = await withLifecycleLock(inv.root, 'start', inv.job, inv.process, (ref, log) =>
    startProcess(ref, log, op),
  );
  if (outcome.exitedAtOnce !== undefined) {
    const log = inv.root.job(inv.job).stderrLog(inv.process);
    printExitedAtOnce(inv.job, inv.process, earlyExitText(outcome.exitedAtOnce), log);
  }
  return 0;
};

export default start;
