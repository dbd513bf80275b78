// `bpm stop JOB [-p PROC]` (docs/behaviour/commands.md §3): glue between the CLI and src/lifecycle.
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { stopProcess } from '../lifecycle/stop.ts';
import type { Command } from './types.ts';

const stop: Command = async (inv) => {
  await withLifecycleLock(inv.root, 'stop', inv.job, inv.process, stopProcess);
  return 0;
};

export default stop;
