// `bpm reload` (beyond upstream, docs/supervisor.md): ask the running bpm supervise to re-read every
// bpm.yml (as SIGHUP does); answers once the reload is applied (what went is stopped, what is new or
// changed is asked to start), not once those starts are through. Without a supervisor it is an error.
import { BpmError } from '../errors.ts';
import { askSupervisor } from '../supervisor/control-client.ts';
import type { Command } from './types.ts';

const reload: Command = async (inv) => {
  const reply = await askSupervisor(inv.root, { op: 'reload' });
  if (reply === undefined) throw new BpmError('no bpm supervise is running for this BOSH root');
  if (!reply.ok) throw new BpmError(reply.error);
  return 0;
};

export default reload;
