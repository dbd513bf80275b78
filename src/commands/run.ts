// `bpm run JOB [-p PROC] [-v VOLUME]… [-e KEY=VALUE]…` (docs/behaviour/commands.md §4): glue between the CLI
// and src/lifecycle. The errand's exit status becomes bpm's (ExitStatusError). SIGTERM/SIGINT stop its
// container (docs/behaviour/policy.md fix #13); under a systemd Type=notify unit it reports READY=1 and STOPPING=1.
import { serviceNotifier } from '../host/service-notifier.ts';
import { catchStopSignals } from '../host/stop-signals.ts';
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { runProcess } from '../lifecycle/run.ts';
import { printNotifyFailed } from '../presenters/lifecycle-notices.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

const run: Command = async (inv) => {
  const stop = catchStopSignals();
  const notifier = serviceNotifier(process.env, process.pid, (reason) => printNotifyFailed('run', reason));
  stop.signal.addEventListener('abort', () => notifier.stopping(), { once: true });
  try {
    return await withLifecycleLock(inv.root, 'run', inv.job, inv.process, (ref, log) =>
      runProcess(ref, log, commandOperation(inv.root, stop.signal), {
        volumes: strings(inv.flags['volume']),
        env: strings(inv.flags['env']),
        stdout: process.stdout,
        stderr: process.stderr,
        // Watching for the container to run (inotify) only pays when someone hears READY=1.
        events: notifier.listening ? { ready: () => notifier.ready() } : {},
      }),
    );
  } finally {
    stop.release();
  }
};

export default run;
