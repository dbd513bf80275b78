// Forwarding the signals bpm receives to a child in the foreground (strace, tail, `runc exec`),
// as Go's signal.Notify does for upstream: Ctrl-C, a TERM from monit or a shell's kill reach the
// child, which decides how to end; bpm then reports the child's end.
import type { ChildProcess } from 'node:child_process';

/** Signals bpm forwards (Go's signal.Notify with no list catches all of these). */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGTERM',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGALRM',
  'SIGCONT',
];

/** Forward every catchable signal to `child` until the returned function is called. */
export function forwardSignals(child: ChildProcess): () => void {
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const sig of FORWARDED_SIGNALS) process.on(sig, forward);
  return () => {
    for (const sig of FORWARDED_SIGNALS) process.off(sig, forward);
  };
}
