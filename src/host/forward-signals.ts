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

/**
 * Spawn the child with the forwarders already in place, and forward until `stop` is called. A
 * child that writes to bpm's stdout itself can be seen running, and bpm signalled, before spawn()
 * has returned; a signal without a handler then would kill bpm. Node runs signal handlers from the
 * event loop, so none runs before `child` is set.
 */
export function spawnForwarding(spawnChild: () => ChildProcess): { child: ChildProcess; stop: () => void } {
  let child: ChildProcess | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    child?.kill(signal);
  };
  const stop = (): void => {
    for (const sig of FORWARDED_SIGNALS) process.off(sig, forward);
  };
  for (const sig of FORWARDED_SIGNALS) process.on(sig, forward);
  try {
    child = spawnChild();
  } catch (err) {
    stop();
    throw err;
  }
  return { child, stop };
}

/** Forward every catchable signal to `child`, already spawned, until the returned function is called. */
export function forwardSignals(child: ChildProcess): () => void {
  return spawnForwarding(() => child).stop;
}
