// Ending what a `runc exec` started (runc/client.ts's execProbe, when a probe times out). runc's
// children while it sets the process up are `runc init` and the stages it clones (as runc's own
// children, CLONE_PARENT); the last of them joins the container, leads a session of its own and
// becomes the command. Killing a stage mid-way can leave the next one to start the command
// anyway, with nobody left to end it, so the command is ended once it exists: runc names it in its
// `--pid-file` (in a root-only directory of ours) before it waits for it. Killing that process's
// group ends the command and whatever it started in its group; runc then exits by itself.
import { readdirSync, readFileSync, watch } from 'node:fs';
import { readProcStat } from '../sys/pidfd.ts';

/** The children of `pid` (every thread's), from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) {
        if (c.trim() !== '') out.push(Number(c));
      }
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** `pid` itself, negated (its whole group) when it leads its own session. */
function target(pid: number, stat = readProcStat(pid)): number {
  return stat?.session === pid ? -pid : pid;
}

function kill(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // ESRCH: it ended on its own
  }
}

/**
 * SIGKILL what runc (`runcPid`, our child, so its pid is not recycled while we have not reaped it)
 * started: a child that already leads its own session is killed with its whole group; one that
 * does not yet (runc init still joining the container) has started nothing and is killed alone.
 * Returns how many children there were: with none, killing runc itself leaves nothing behind.
 */
export function killExecTree(runcPid: number): number {
  const children = childrenOf(runcPid);
  for (const child of children) kill(target(child));
  return children.length;
}

/**
 * SIGKILL the command runc (`runcPid`) named in `pidFile`, with its group when it leads one.
 * False while there is no such command yet (no pid file). The pid is acted on only while it is
 * runc's child: runc has not reaped it, so it is still that process.
 */
export function killExecCommand(runcPid: number, pidFile: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 1) return false;
  const stat = readProcStat(pid);
  if (stat?.ppid === runcPid) kill(target(pid, stat));
  return true;
}

/** How long a cut-off exec waits for runc to name its command before it kills runc's tree. */
export const EXEC_SETUP_GRACE_MS = 10_000;

/** The `runc exec` being ended: its pid (not reused while `running`), a SIGKILL for it, its end. */
export interface ExecRunc {
  readonly pid: number;
  readonly running: boolean;
  kill(signal: 'SIGKILL'): void;
  readonly exited: Promise<unknown>;
}

/**
 * End what `runc exec --pid-file PIDFILE` (our child `runc`) started: the command at once if runc
 * named it already, else as soon as runc writes the pid file (inotify on its directory, `dir`).
 * Should runc neither name one nor exit within EXEC_SETUP_GRACE_MS, its tree is killed, then runc.
 */
export function endExec(runc: ExecRunc, dir: string, pidFile: string): void {
  const runcPid = runc.pid;
  if (!runc.running) return;
  if (killExecCommand(runcPid, pidFile)) return;
  const watcher = watch(dir, () => {
    if (killExecCommand(runcPid, pidFile)) done();
  });
  watcher.on('error', () => watcher.close());
  const grace = setTimeout(() => {
    done();
    if (killExecTree(runcPid) === 0) runc.kill('SIGKILL');
    else setTimeout(() => runc.kill('SIGKILL'), 1_000).unref();
  }, EXEC_SETUP_GRACE_MS);
  grace.unref();
  function done(): void {
    watcher.close();
    clearTimeout(grace);
  }
  void runc.exited.finally(done).catch(() => {});
  // Written between the first look and the watch.
  if (killExecCommand(runcPid, pidFile)) done();
}
