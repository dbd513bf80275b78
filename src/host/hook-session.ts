// What is left of a pre-start hook whose bpm was killed. The hook runs as a session leader
// (setsid), so whatever it forks shares its session id unless it makes a session of its own. While
// the hook runs, a root-only record `<session id> <start time>` sits beside its scratch directory;
// bpm removes it when the hook ends. A record still there at the next run means that bpm died:
// every process of that session started since the hook did is killed before a new hook starts.
// Each victim is signalled through a pidfd checked against its start time, so a recycled pid is
// never hit.
import { closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hasCode } from '../sys/errno.ts';
import { openLiveProcess, readProcStat, signalPidfd } from '../sys/pidfd.ts';
import { waitForPidfd } from '../sys/wait-exit.ts';

/** How long killed leftovers get to go away before the next hook starts anyway. */
const GONE_TIMEOUT_MS = 2000;

/** Note the session of the hook just started as `pid` (its session leader); best effort. */
export function recordHookSession(file: string, pid: number): void {
  const stat = readProcStat(pid);
  if (stat === undefined) return; // already gone, and with it anything it could still fork
  try {
    writeFileSync(file, `${pid} ${stat.startTime}\n`, { mode: 0o600 });
  } catch {
    // without the record (a full disk) only the cleanup after a killed bpm is lost, not the hook
  }
}

/** The hook ended while bpm watched: nothing to clean up later. */
export function forgetHookSession(file: string): void {
  rmSync(file, { force: true });
}

function readRecord(file: string): { session: number; since: number } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return undefined;
    throw err;
  }
  const [session, since] = text.trim().split(' ').map(Number);
  if (!Number.isSafeInteger(session) || !Number.isSafeInteger(since)) return undefined;
  return { session: session as number, since: since as number };
}

/** pidfds on the live processes of `session` that started at or after `since`. */
function sessionMembers(session: number, since: number): number[] {
  const fds: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const pid = Number(name);
    const stat = readProcStat(pid);
    if (stat === undefined || stat.session !== session || stat.startTime < since) continue;
    const fd = openLiveProcess(pid, stat.startTime);
    if (fd !== undefined) fds.push(fd);
  }
  return fds;
}

/** SIGKILL what a killed bpm's hook left running and wait for it to go; returns how many. */
export async function killHookLeftovers(file: string): Promise<number> {
  const record = readRecord(file);
  let killed = 0;
  if (record !== undefined) {
    const fds = sessionMembers(record.session, record.since);
    killed = fds.length;
    try {
      for (const fd of fds) {
        try {
          signalPidfd(fd, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      await Promise.all(fds.map((fd) => waitForPidfd(fd, GONE_TIMEOUT_MS)));
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  }
  forgetHookSession(file);
  return killed;
}
