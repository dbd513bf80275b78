// A process handle that cannot be confused with a recycled pid: pidfd_open(2), checked against the
// start time the process had when someone recorded its pid, and pidfd_send_signal(2) through it.
import { closeSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { SysError } from './errno.ts';
import { libc } from './libc.ts';

/** What /proc/PID/stat says about a process: state letter, parent (field 4), session id (field 6), start time (field 22, clock ticks). */
export interface ProcStat {
  state: string;
  ppid: number;
  session: number;
  startTime: number;
}

/** Parse /proc/PID/stat (the command name may hold spaces and parentheses: split after the last `)`). */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
  const ppid = Number(fields[1]);
  const session = Number(fields[3]);
  const startTime = Number(fields[19]);
  if (fields[0] === undefined || fields[0] === '' || !Number.isSafeInteger(startTime)) return undefined;
  if (!Number.isSafeInteger(session) || !Number.isSafeInteger(ppid)) return undefined;
  return { state: fields[0], ppid, session, startTime };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

/**
 * A pidfd for `pid` if it is still the live (not zombie) process that started at `startTime`;
 * undefined when it is gone, recycled or a zombie. The check follows pidfd_open, so a match
 * proves the descriptor refers to that very process. The caller closes the descriptor.
 */
export function openLiveProcess(pid: number, startTime: number): number | undefined {
  const fd = libc().pidfdOpen(pid, 0);
  if (fd < 0) return undefined;
  const stat = readProcStat(pid);
  if (stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X') {
    return fd;
  }
  closeSync(fd);
  return undefined;
}

/** pidfd_send_signal(2). Errors: SysError (ESRCH once the process has exited). */
export function signalPidfd(fd: number, signal: NodeJS.Signals): void {
  const signo = osConstants.signals[signal];
  if (libc().pidfdSendSignal(fd, signo) < 0) throw new SysError('pidfd_send_signal', libc().errno());
}
