// A container found stopped: what its cgroup still tells, and the record of an end nobody saw
// (docs/status.md, "What bpm knows, and when").
//
// A container started by `bpm start` dies with nobody waiting for it (tini is reaped by the
// host's init, its status is gone); runc only says `stopped`. Whoever finds it first — `bpm
// status`, `bpm list --json`, or the `start`/`run` that removes it to start afresh (monit's restart)
// — records what is left, once: when it was found, by whom, and whether the OOM killer acted in its
// cgroup (the count lives in the cgroup until the container is deleted; where the cgroup went with
// the container, systemd's way, the kernel log's oom-kill lines stand in).
import type { JobPaths } from '../bosh/paths.ts';
import { type CgroupUsage, readCgroupUsage } from '../host/cgroup-usage.ts';
import { kernelOomKills } from '../host/kernel-oom.ts';
import { readCgroupPaths, readInitProcess } from '../runc/state-file.ts';
import type { ExitWitness, LastExit } from './last-exit.ts';
import type { LastExitRecords } from './ports.ts';

/** USER_HZ: /proc/PID/stat's start time (and runc's record of it) counts these per second. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The memory cgroup as the kernel names it in its log: relative to the memory hierarchy's root. */
function memcgName(dirs: Readonly<Record<string, string>>): string | undefined {
  const v1 = dirs['memory'];
  if (v1 !== undefined) {
    return v1.startsWith('/sys/fs/cgroup/memory/') ? v1.slice('/sys/fs/cgroup/memory'.length) : undefined;
  }
  return dirs['']?.slice('/sys/fs/cgroup'.length);
}

/** OOM kills the kernel logged in the container's memory cgroup since its init started. */
function loggedOomKills(dirs: Readonly<Record<string, string>>, stateFile: string): number | undefined {
  const memcg = memcgName(dirs);
  const init = readInitProcess(stateFile);
  if (memcg === undefined || init === undefined) return undefined;
  return kernelOomKills(memcg, (init.startTime * 1_000_000) / CLOCK_TICKS_PER_SECOND);
}

/**
 * The container's cgroup figures, from the directories in runc's state file; OOM kills from the
 * kernel log when the cgroup cannot tell. undefined when the state file names no cgroup.
 */
export function containerUsage(stateFile: string): CgroupUsage | undefined {
  const dirs = readCgroupPaths(stateFile);
  if (dirs === undefined) return undefined;
  const usage = readCgroupUsage(dirs);
  if (usage.oomKills === undefined) {
    const logged = loggedOomKills(dirs, stateFile);
    if (logged !== undefined) usage.oomKills = logged;
  }
  return usage;
}

/** The record describes this container's end: it was made after the container was created. */
function describes(exit: LastExit | undefined, createdMs: number | undefined): exit is LastExit {
  return exit !== undefined && (createdMs === undefined || Date.parse(exit.at) >= Math.floor(createdMs));
}

export interface FoundStopped {
  paths: JobPaths;
  proc: string;
  /** When runc created the container (ms since the epoch), if known. */
  createdMs: number | undefined;
  oomKills: number | undefined;
  witness: ExitWitness;
  now: number;
}

/**
 * The last exit of a stopped container: the record that describes it, or a new sighting
 * (`code`/`signal` unknown). `save` gets the write of a new sighting; it runs it under the
 * process's lifecycle lock, or not at all (then the sighting is only returned).
 */
export function lastExitOfStopped(
  found: FoundStopped,
  records: LastExitRecords,
  save: (write: () => void) => void,
): LastExit {
  const known = records.readLastExit(found.paths, found.proc);
  if (describes(known, found.createdMs)) return known;
  const seen: LastExit = {
    at: new Date(found.now).toISOString(),
    code: null,
    signal: null,
    seenBy: found.witness,
  };
  if (found.oomKills !== undefined) seen.oomKilled = found.oomKills > 0;
  let recorded = seen;
  save(() => {
    const again = records.readLastExit(found.paths, found.proc);
    if (describes(again, found.createdMs)) {
      recorded = again;
      return;
    }
    records.recordLastExit(found.paths, found.proc, seen);
  });
  return recorded;
}
