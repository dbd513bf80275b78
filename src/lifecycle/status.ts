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
import type { CgroupUsage } from '../host/cgroup-usage.ts';
import { lifecycleLockName } from '../ids/container-id.ts';
import { stateFilePath } from '../runc/state-file.ts';
import { tryLock } from '../sys/flock.ts';
import type { Operation } from './context.ts';
import { lastExitOfStopped } from './found-stopped.ts';
import type { LastExit } from './last-exit.ts';
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

/** Record a sighting under the process's lifecycle lock, if it is free right now. */
function underFreeLock(root: RootPaths, row: ListedProcess): (write: () => void) => void {
  return (write) => {
    let lock: ReturnType<typeof tryLock>;
    try {
      lock = tryLock(root.lockFile(lifecycleLockName(row.job, row.process)));
    } catch {
      return;
    }
    if (lock === undefined) return; // a start, stop or run is at work: show, do not record
    try {
      write();
    } catch {
      // a view never fails for want of a record
    } finally {
      lock.release();
    }
  };
}

/** The processes of every job (or of `scope.job`) with everything bpm knows about them. */
export async function processViews(
  root: RootPaths,
  hooks: ListHooks,
  op: Pick<Operation, 'host' | 'signal'>,
  scope: ListScope,
  viewer: Viewer,
  now: number = Date.now(),
): Promise<ProcessView[]> {
  const rows = await listProcesses(root, hooks, op, scope);
  return rows.map((row) => {
    const view: ProcessView = { ...row };
    if (row.status === 'stopped') {
      const exit = op.host.readLastExit(root.job(row.job), row.process);
      if (exit !== undefined) view.lastExit = exit;
      return view;
    }
    const usage = op.host.containerUsage(stateFilePath(root.runcRoot, row.cid));
    if (usage !== undefined) view.cgroup = usage;
    const created = createdMs(row);
    if (row.status === 'running' && created !== undefined) {
      view.uptimeSeconds = Math.max(0, Math.floor((now - created) / 1000));
    }
    const exit =
      row.status === 'failed'
        ? lastExitOfStopped(
            {
              paths: root.job(row.job),
              proc: row.process,
              createdMs: created,
              oomKills: usage?.oomKills,
              witness: viewer,
              now,
            },
            op.host,
            underFreeLock(root, row),
          )
        : op.host.readLastExit(root.job(row.job), row.process);
    if (exit !== undefined) view.lastExit = exit;
    return view;
  });
}
