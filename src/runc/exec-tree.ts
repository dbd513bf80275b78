// Ending what a `runc exec` started (runc/client.ts's execProbe, when a probe times out). runc's one
// child is `runc init`, which joins the container, becomes a session (and group) leader and
// replaces itself with the command: the same pid throughout. Killing that child's group ends the
// command and whatever it started that stayed in its group; runc then exits by itself.
import { readdirSync, readFileSync } from 'node:fs';

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

/** Field 6 of /proc/PID/stat (after the parenthesised command name). */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
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
  for (const child of children) kill(sessionOf(child) === child ? -child : child);
  return children.length;
}
