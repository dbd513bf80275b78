// `bpm pid JOB [-p PROC]` (docs/behaviour/commands.md §6): the container init's host pid. No config, no lock,
// no log.

import { runningInit } from '../lifecycle/running-init.ts';
import { renderPid } from '../presenters/pid.ts';
import { writeStdout } from '../presenters/stdout.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const pid: Command = async (inv) => {
  const op = commandOperation(inv.root);
  const init = await runningInit(inv.root, inv.job, inv.process, op);
  writeStdout(renderPid(init.pid));
  return 0;
};

export default pid;
