// How Go's os/exec renders a child's end: `exit status N` or `signal: <description>`. Upstream
// shows these texts verbatim in its errors, so every module that reports a child process uses them.
import { constants } from 'node:os';

/** Go's syscall signal descriptions on Linux (syscall.Signal.String()). */
const DESCRIPTIONS: Record<string, string> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupt',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGKILL: 'killed',
  SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user defined signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
  SIGSTKFLT: 'stack fault',
  SIGCHLD: 'child exited',
  SIGCONT: 'continued',
  SIGSTOP: 'stopped (signal)',
  SIGTSTP: 'stopped',
  SIGTTIN: 'stopped (tty input)',
  SIGTTOU: 'stopped (tty output)',
  SIGURG: 'urgent I/O condition',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
  SIGVTALRM: 'virtual timer expired',
  SIGPROF: 'profiling timer expired',
  SIGWINCH: 'window changed',
  SIGIO: 'I/O possible',
  SIGPWR: 'power failure',
  SIGSYS: 'bad system call',
};

/** Go's description of a signal given by Node's name (`SIGTERM` → `terminated`). */
export function signalDescription(name: string): string {
  const known = DESCRIPTIONS[name];
  if (known !== undefined) return known;
  const num = (constants.signals as Record<string, number | undefined>)[name];
  return num === undefined ? name : `signal ${num}`;
}

/** How a child ended, as Node reports it: exactly one of the two is non-null. */
export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `exit status N` or `signal: <description>` (Go's *exec.ExitError text). */
export function exitText(result: ExitResult): string {
  if (result.signal !== null) return `signal: ${signalDescription(result.signal)}`;
  return `exit status ${result.code ?? -1}`;
}

/** Go's ExitCode(): the status, or -1 when the child was killed by a signal. */
export function exitCode(result: ExitResult): number {
  return result.signal !== null || result.code === null ? -1 : result.code;
}

export function succeeded(result: ExitResult): boolean {
  return result.signal === null && result.code === 0;
}

/** A shell's `$?` for a child's end: its status, or 128+N when signal N killed it. */
export function shellStatus(result: ExitResult): number {
  if (result.signal !== null)
    return 128 + ((constants.signals as Record<string, number>)[result.signal] ?? 0);
  return result.code ?? 1;
}
