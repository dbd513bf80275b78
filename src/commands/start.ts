// `bpm start JOB [-p PROC]` (docs/behaviour/commands.md §2): glue between the CLI and src/lifecycle.
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { startProcess } from '../lifecycle/start.ts';
import type { Command } from './types.ts';

const start: Command = async (inv) => {
  await withLifecycleLock(inv.root, 'start', inv.job, inv.process, startProcess);
  return 0;
};

export default start;
