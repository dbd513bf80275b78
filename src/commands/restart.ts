// `bpm restart JOB [-p PROC]` (beyond upstream, docs/supervisor.md): through the running
// supervisor when there is one, else a stop and a start, each under the lifecycle lock.
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { startProcess } from '../lifecycle/start.ts';
import { stopProcess } from '../lifecycle/stop.ts';
import { forwardToSupervisor } from '../supervisor/control-client.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

const restart: Command = async (inv) => {
  if (await forwardToSupervisor(inv.root, 'restart', inv.job, inv.process)) return 0;
  const op = commandOperation(inv.root);
  await withLifecycleLock(inv.root, 'stop', inv.job, inv.process, (ref, log) => stopProcess(ref, log, op));
  await withLifecycleLock(inv.root, 'start', inv.job, inv.process, (ref, log) => startProcess(ref, log, op));
  return 0;
};

export default restart;
