// The running container init, shared by `pid`, `shell` and `trace` (docs/behaviour/commands.md §6, §8): probe
// the host, ask runc for the container's state, and insist that it is running.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import { containerId } from '../ids/container-id.ts';
import type { RuncClient } from '../runc/client.ts';
import { probeHost, processRef } from './context.ts';
import { assertOwnContainer } from './ownership.ts';
import { processState } from './state.ts';

export interface RunningInit {
  cid: string;
  /** The container init's (tini's) host pid. */
  pid: number;
  runc: RuncClient;
}

export async function runningInit(root: RootPaths, job: string, proc: string): Promise<RunningInit> {
  const { runc } = probeHost(root);
  const cid = containerId(job, proc);
  assertOwnContainer(processRef(root, job, proc), runc.stateFile(cid));
  let state: Awaited<ReturnType<typeof processState>>;
  try {
    state = await processState(runc, cid);
  } catch (err) {
    throw new BpmError(`failed to get job: ${messageOf(err)}`, { cause: err });
  }
  if (state === undefined || state.status === 'failed') {
    throw new BpmError('process is not running or could not be found');
  }
  return { cid, pid: state.pid, runc };
}
