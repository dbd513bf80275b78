// `bpm shell JOB [-p PROC]` (docs/behaviour/commands.md §8): `runc exec --tty … /bin/bash` in the running
// container.
import { isatty } from 'node:tty';
import { BpmError } from '../errors.ts';
import { runningInit } from '../lifecycle/running-init.ts';
import { exitText, succeeded } from '../text/exit-status.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const NO_TTY = 'bpm shell needs a terminal (stdin is not a TTY)';

const shell: Command = async (inv) => {
  // runc exec --tty would fail obscurely without a terminal: say so before touching runc.
  if (!isatty(0)) throw new BpmError(NO_TTY);
  const op = commandOperation(inv.root);
  const { cid, runc } = await runningInit(inv.root, inv.job, inv.process, op);
  const end = await runc.exec(cid, process.env['TERM'] ?? '');
  if (!succeeded(end)) throw new BpmError(exitText(end));
  return 0;
};

export default shell;
