// `bpm trace JOB [-p PROC]` (docs/behaviour/commands.md §8): strace from PATH on every process of
// the container (its cgroup's pids, not only the init as upstream), each followed into its new
// children; signals forwarded.

import { BpmError } from '../errors.ts';
import { runForeground } from '../host/foreground-child.ts';
import { containerProcesses, runningInit } from '../lifecycle/running-init.ts';
import { exitText } from '../text/exit-status.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

/** strace's argv: upstream's options, then one `-p` per pid (strace -f follows each one's forks). */
export function straceArgs(pids: readonly number[]): string[] {
  return ['-s', '100', '-f', '-y', '-yy', ...pids.flatMap((pid) => ['-p', String(pid)])];
}

const trace: Command = async (inv) => {
  const op = commandOperation(inv.root);
  const init = await runningInit(inv.root, inv.job, inv.process, op);
  const end = await runForeground('strace', straceArgs(await containerProcesses(init, op.host)));
  // Killed by a signal (e.g. the forwarded Ctrl-C) or a clean exit: success.
  if (end.signal !== null || end.code === 0) return 0;
  throw new BpmError(exitText(end));
};

export default trace;
