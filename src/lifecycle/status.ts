// `bpm status` and `bpm list --json` (docs/status.md): each configured process with its state,
// pid, start time and uptime, what it uses of its cgroup limits, OOM kills, and how it last ended.
//
// Sources, cheapest first: one `runc list` (state, pid, creation time — the same call `bpm list`
// makes), runc's state file of each existing container (its cgroup directories; read, not
// spawned), the cgroup files, and the last-exit record (lifecycle/last-exit.ts). Where a dead
// container's cgroup is already gone (systemd removes its scope), its OOM kills are counted from
// the kernel log instead (host/kernel-oom.ts).
//
// A container found stopped (`failed`) that no record describes died on its own, with nobody
// watching: its exit status is gone (tini was reparented to the host's init, which reaped it).
// What is left is recorded now, once, so that later views and the next start keep it: when it was
// first seen stopped, by whom, and whether the OOM killer acted in its cgroup (the counter lives
// until the container is deleted). The record is written only under the process's lifecycle lock,
// taken without waiting: while a start/stop/run holds it, the view shows the observation unsaved.
import type { RootPaths } from '../bosh/paths.ts';
import { type CgroupUsage, readCgroupUsage } from '../host/cgroup-usage.ts';
import { kernelOomKills } from '../host/kernel-oom.ts';
import { lifecycleLockName } from '../ids/container-id.ts';
import { readCgroupPaths, readInitProcess, stateFilePath } from '../runc/state-file.ts';
import { tryLock } from '../sys/flock.ts';
import { type LastExit, readLastExit, recordLastExit } from './last-exit.ts';
import { type ListedProcess, type ListHooks, type ListScope, listProcesses } from './list.ts';

export interface ProcessView extends ListedProcess {
  /** Whole seconds since the container was created; running processes only. */
  uptimeSeconds?: number;
  /** Figures from the container's cgroup; absent without a container. */
  cgroup?: CgroupUsage;
  lastExit?: LastExit;
}

/** Who is looking: recorded as the witness of a stop nobody saw. */
export type Viewer = 'status' | 'list';

function createdMs(row: ListedProcess): number | undefined {
  const ms = row.created === undefined ? Number.NaN : Date.parse(row.created);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The record describes this container's end: it was made after the container was created. */
function describesThisContainer(exit: LastExit | undefined, created: number | undefined): exit is LastExit {
  return exit !== undefined && (created === undefined || Date.parse(exit.at) >= Math.floor(created));
}

function observeStopped(
  root: RootPaths,
  row: ListedProcess,
  oomKills: number | undefined,
  viewer: Viewer,
  now: number,
): LastExit {
  const paths = root.job(row.job);
  const created = createdMs(row);
  const known = readLastExit(paths, row.process);
  if (describesThisContainer(known, created)) return known;
  const seen: LastExit = { at: new Date(now).toISOString(), code: null, signal: null, seenBy: viewer };
  if (oomKills !== undefined) seen.oomKilled = oomKills > 0;
  let lock: ReturnType<typeof tryLock>;
  try {
    lock = tryLock(root.lockFile(lifecycleLockName(row.job, row.process)));
  } catch {
    return seen;
  }
  if (lock === undefined) return seen; // a start, stop or run is at work: show, do not record
  try {
    const again = readLastExit(paths, row.process);
    if (describesThisContainer(again, created)) return again;
    recordLastExit(paths, row.process, seen);
  } catch {
    // a view never fails for want of a record
  } finally {
    lock.release();
  }
  return seen;
}

/** USER_HZ: /proc/PID/stat's start time (and runc's record of it) counts these per second. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The memory cgroup as the kernel names it in its log: relative to the memory hierarchy's root. */
function memcgName(dirs: Readonly<Record<string, string>>): string | undefined {
  const v1 = dirs['memory'];
  if (v1 !== undefined)
    return v1.startsWith('/sys/fs/cgroup/memory/') ? v1.slice('/sys/fs/cgroup/memory'.length) : undefined;
  return dirs['']?.slice('/sys/fs/cgroup'.length);
}

/** OOM kills the kernel logged in the container's memory cgroup since its init started. */
function loggedOomKills(dirs: Readonly<Record<string, string>>, stateFile: string): number | undefined {
  const memcg = memcgName(dirs);
  const init = readInitProcess(stateFile);
  if (memcg === undefined || init === undefined) return undefined;
  return kernelOomKills(memcg, (init.startTime * 1_000_000) / CLOCK_TICKS_PER_SECOND);
}

/** The processes of every job (or of `scope.job`) with everything bpm knows about them. */
export async function processViews(
  root: RootPaths,
  hooks: ListHooks,
  scope: ListScope,
  viewer: Viewer,
  now: number = Date.now(),
): Promise<ProcessView[]> {
  const rows = await listProcesses(root, hooks, scope);
  return rows.map((row) => {
    const view: ProcessView = { ...row };
    if (row.status === 'stopped') {
      const exit = readLastExit(root.job(row.job), row.process);
      if (exit !== undefined) view.lastExit = exit;
      return view;
    }
    const stateFile = stateFilePath(root.runcRoot, row.cid);
    const dirs = readCgroupPaths(stateFile);
    const usage = dirs === undefined ? undefined : readCgroupUsage(dirs);
    if (usage !== undefined && usage.oomKills === undefined && dirs !== undefined) {
      const logged = loggedOomKills(dirs, stateFile);
      if (logged !== undefined) usage.oomKills = logged;
    }
    if (usage !== undefined) view.cgroup = usage;
    const created = createdMs(row);
    if (row.status === 'running' && created !== undefined) {
      view.uptimeSeconds = Math.max(0, Math.floor((now - created) / 1000));
    }
    const exit =
      row.status === 'failed'
        ? observeStopped(root, row, usage?.oomKills, viewer, now)
        : readLastExit(root.job(row.job), row.process);
    if (exit !== undefined) view.lastExit = exit;
    return view;
  });
}
