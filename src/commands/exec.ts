// `bpm exec JOB [-p PROC] -- CMD [ARG…]` (beyond upstream, docs/operator-guide.md): CMD inside the
// running container without a terminal, like `docker exec`; bpm's exit status is CMD's.
import { UsageError } from '../errors.ts';
import { forwardSignals } from '../host/forward-signals.ts';
import { runningInit } from '../lifecycle/running-init.ts';
import { shellStatus } from '../text/exit-status.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

export const NO_COMMAND = 'must specify a command to run (bpm exec <job-name> -- <command> [<arg>...])';

const exec: Command = async (inv) => {
  const argv = inv.args.slice(1);
  if (argv.length === 0) throw new UsageError(NO_COMMAND);
  const op = commandOperation(inv.root);
  const { cid, runc } = await runningInit(inv.root, inv.job, inv.process, op);
  return shellStatus(await runc.execAttached(cid, argv, forwardSignals));
};

export default exec;
