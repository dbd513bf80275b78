// State query with broken-state recovery for start and run (docs/behaviour/commands.md §2 step 5,
// docs/behaviour/locking-and-recovery.md §4.1), with docs/behaviour/policy.md fix #5: runc's state.json is
// deleted only when it is unreadable or not JSON, and only after the processes left in the container's
// cgroups were killed. A failing runc (missing, crashing) never costs a container its state.
import { readFileSync } from 'node:fs';
import { removeAll } from '../go/os.ts';
import type { Logger } from '../log/logger.ts';
import { readCreated } from '../runc/state-file.ts';
import { hasCode } from '../sys/errno.ts';
import { checkpoint, type Host, type Operation, stepFailed } from './context.ts';
import { lastExitOfStopped } from './found-stopped.ts';
import { assertOwnContainer } from './ownership.ts';
import type { ProcessRef } from './process-ref.ts';
import { removeProcess } from './remove.ts';
import { type ProcessState, processState } from './state.ts';

/** Whether runc's state file exists but cannot be read or parsed. */
function stateFileBroken(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return !hasCode(err, 'ENOENT');
  }
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

async function recover(ref: ProcessRef, host: Host, op: Operation, log: Logger): Promise<void> {
  const file = host.runc.stateFile(ref.cid);
  if (stateFileBroken(file)) {
    try {
      await op.host.killContainerProcesses(ref, host.features);
      removeAll(file);
    } catch (err) {
      throw stepFailed(
        log,
        ['failed-to-remove-state-file', 'failed-cleaning-up-broken-job'],
        'failed to clean up stale state file',
        err,
      );
    }
  }
  checkpoint(op.signal);
  try {
    // After a broken state file the bundle goes too, whoever asks: the next start makes it anew.
    await removeProcess(ref, host.runc, op.host, log);
  } catch (err) {
    throw stepFailed(
      log,
      ['failed-to-cleanup', 'failed-cleaning-up-broken-job'],
      'failed to clean up stale job-process',
      err,
    );
  }
}

/** Record the end of a stopped container nobody saw end, before it is deleted; never fails the command. */
function noteFoundStopped(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  log: Logger,
  witness: 'start' | 'run',
): void {
  const stateFile = host.runc.stateFile(ref.cid);
  const found = {
    paths: ref.paths,
    proc: ref.proc,
    createdMs: readCreated(stateFile),
    oomKills: op.host.containerUsage(stateFile)?.oomKills,
    witness,
    now: op.clock.now(),
  };
  // The caller holds the process's lifecycle lock.
  lastExitOfStopped(found, op.host, (write) => {
    try {
      write();
    } catch (err) {
      log.error('failed-to-record-exit', err);
    }
  });
}

/** The process's state; any runc failure other than "does not exist" triggers recovery (→ none). */
async function stateOrRecover(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  log: Logger,
): Promise<ProcessState | undefined> {
  try {
    return await processState(host.runc, ref.cid);
  } catch (err) {
    log.error('failed-getting-job', err);
    checkpoint(op.signal);
    await recover(ref, host, op, log);
    return undefined;
  }
}

/**
 * start/run steps 5–6: the running process's state (`process-already-running` logged), or
 * undefined when a new container may be made — after recovering broken runc state and removing a
 * failed (stopped/paused) container — whose end, unless already recorded, is recorded first
 * (found-stopped.ts): deleting the container deletes its cgroup and the OOM count in it.
 */
export async function runningOrCleared(
  ref: ProcessRef,
  host: Host,
  op: Operation,
  log: Logger,
  witness: 'start' | 'run' = 'start',
): Promise<ProcessState | undefined> {
  // Job X.p must not adopt, recover or delete job X's process p (the same container id).
  assertOwnContainer(ref, host.runc.stateFile(ref.cid));
  const state = await stateOrRecover(ref, host, op, log);
  if (state?.status === 'running') {
    log.info('process-already-running');
    return state;
  }
  if (state?.status !== 'failed') return undefined;
  checkpoint(op.signal);
  noteFoundStopped(ref, host, op, log, witness);
  log.info('removing-stopped-process');
  try {
    await removeProcess(ref, host.runc, op.host, log, op.keepBundles);
  } catch (err) {
    throw stepFailed(log, 'failed-to-cleanup', 'failed to clean up stale job-process', err);
  }
  return undefined;
}
