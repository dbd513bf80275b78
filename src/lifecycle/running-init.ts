// The running container init, shared by `pid`, `shell`, `exec` and `trace`
// (docs/behaviour/commands.md §6, §8): probe the host, ask runc for the container's state, and
// insist that it is running. Through the operation's ports, like every lifecycle step.
import type { RootPaths } from '../bosh/paths.ts';
import { BpmError, messageOf } from '../errors.ts';
import type { HostFeatures } from '../host-facts.ts';
import { checkpoint, type Operation, probeHost } from './context.ts';
import { assertOwnContainer } from './ownership.ts';
import type { HostPort, RuncPort } from './ports.ts';
import { type ProcessRef, processRef } from './process-ref.ts';
import { processState } from './state.ts';

export interface RunningInit<R extends RuncPort = RuncPort> {
  ref: ProcessRef;
  cid: string;
  /** The container init's (tini's) host pid. */
  pid: number;
  runc: R;
  features: HostFeatures;
}

/** The host port of `op` makes the runc client the caller goes on with (`shell` and `exec` need its `exec`). */
export async function runningInit<R extends RuncPort>(
  root: RootPaths,
  job: string,
  proc: string,
  op: Pick<Operation<HostPort & { runc(features: HostFeatures): R }>, 'host' | 'signal'>,
): Promise<RunningInit<R>> {
  checkpoint(op.signal);
  const { runc, features } = probeHost(op.host);
  const ref = processRef(root, job, proc);
  assertOwnContainer(ref, runc.stateFile(ref.cid));
  let state: Awaited<ReturnType<typeof processState>>;
  try {
    state = await processState(runc, ref.cid);
  } catch (err) {
    throw new BpmError(`failed to get job: ${messageOf(err)}`, { cause: err });
  }
  checkpoint(op.signal);
  if (state === undefined || state.status === 'failed') {
    throw new BpmError('process is not running or could not be found');
  }
  return { ref, cid: ref.cid, pid: state.pid, runc, features };
}

/**
 * Every process of the running container, init first: the host pids in its cgroups (tini, the
 * job's process and whatever they started, plus `bpm shell`/`bpm exec` sessions), read at this
 * moment. The init is listed even if the cgroup cannot be read.
 */
export async function containerProcesses(
  init: RunningInit,
  host: Pick<HostPort, 'containerPids'>,
): Promise<number[]> {
  const others = (await host.containerPids(init.ref, init.features))
    .filter((p) => p !== init.pid)
    .sort((a, b) => a - b);
  return [init.pid, ...others];
}
