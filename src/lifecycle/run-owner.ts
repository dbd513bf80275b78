// The `bpm run` that runs a process in the foreground, recorded in the process's bundle directory
// (root-only, under R/data/bpm) while its runc runs: `bpm stop` from another shell cannot take the
// lifecycle lock that run holds until its process ends, so it first asks that run to stop —
// SIGTERM through a pidfd on the recorded process, checked by start time — and then waits for the
// lock as always. The run stops its container, exits with the process's status and releases the
// lock; the stop finds nothing left to stop (docs/supervisor.md, "Running under systemd").
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostPort, InitHandle, RecordedProcess } from './ports.ts';
import type { ProcessRef } from './process-ref.ts';

function ownerFile(ref: ProcessRef): string {
  return join(ref.paths.bundle(ref.proc), 'bpm-run.json');
}

/** Record `self` as the run of `ref`; the bundle directory exists (the run just wrote it). */
export function recordRunOwner(ref: ProcessRef, self: RecordedProcess): void {
  const file = ownerFile(ref);
  writeFileSync(`${file}.tmp`, JSON.stringify(self), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function clearRunOwner(ref: ProcessRef): void {
  rmSync(ownerFile(ref), { force: true });
}

function readOwner(ref: ProcessRef): RecordedProcess | undefined {
  try {
    const { pid, startTime } = JSON.parse(readFileSync(ownerFile(ref), 'utf8')) as Partial<RecordedProcess>;
    if (Number.isSafeInteger(pid) && Number.isSafeInteger(startTime) && (pid as number) > 0) {
      return { pid: pid as number, startTime: startTime as number };
    }
  } catch {
    // no record (the usual case), or one a killed run left half-written
  }
  return undefined;
}

/**
 * SIGTERM the `bpm run` that runs `ref` now, if any; returns its pid. A record left by a run that
 * was killed names a process that is gone (or a recycled pid with another start time): nothing
 * is signalled.
 */
export async function askRunOwnerToStop(
  ref: ProcessRef,
  host: Pick<HostPort, 'openProcess'>,
): Promise<number | undefined> {
  const run = openRunOwner(ref, host);
  if (run === undefined) return undefined;
  try {
    await run.handle.signal('TERM');
    return run.pid;
  } catch {
    return undefined; // it ended meanwhile
  } finally {
    run.handle.close();
  }
}

/**
 * The pid of the `bpm run` that runs `ref` now, if any. It holds the lifecycle lock until its
 * process ends, so a stop that is not asked for by an operator (the supervisor's reload, shutdown
 * or start-up sweep) leaves that container to its run instead of waiting for the lock.
 */
export function liveRunOwner(ref: ProcessRef, host: Pick<HostPort, 'openProcess'>): number | undefined {
  const run = openRunOwner(ref, host);
  run?.handle.close();
  return run?.pid;
}

/** A verified handle on the recorded run (pid and start time), if it still runs. */
function openRunOwner(
  ref: ProcessRef,
  host: Pick<HostPort, 'openProcess'>,
): { pid: number; handle: InitHandle } | undefined {
  const owner = readOwner(ref);
  const handle = owner === undefined ? undefined : host.openProcess(owner);
  return owner === undefined || handle === undefined ? undefined : { pid: owner.pid, handle };
}
