// `bpm trace JOB [-p PROC]` (docs/behaviour/commands.md §8): strace from PATH on the container init, signals
// forwarded.

import { BpmError } from '../errors.ts';
import { runForeground } from '../host/foreground-child.ts';
import { runningInit } from '../lifecycle/running-init.ts';
import { exitText } from '../text/exit-status.ts';
import type { Command } from './types.ts';

export function straceArgs(pid: number): string[] {
  return ['-s', '100', '-f', '-y', '-yy', '-p', String(pid)];
}

const trace: Command = async (inv) => {
  const { pid } = await runningInit(inv.root, inv.job, inv.process);
  const end = await runForeground('strace', straceArgs(pid));
  // Killed by a signal (e.g. the forwarded Ctrl-C) or a clean exit: success.
  if (end.signal !== null || end.code === 0) return 0;
  throw new BpmError(exitText(end));
};

export default trace;
