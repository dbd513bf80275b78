// `bpm run JOB [-p PROC] [-v VOLUME]… [-e KEY=VALUE]…` (docs/behaviour/commands.md §4): glue between the CLI
// and src/lifecycle. The errand's exit status becomes bpm's (ExitStatusError). SIGTERM/SIGINT stop its
// container (docs/behaviour/policy.md fix #13); under a systemd Type=notify unit it reports READY=1 (after
// the readiness probe's first pass, when the process has one) and STOPPING=1.
import type { RootPaths } from '../bosh/paths.ts';
import { type ServiceNotifier, serviceNotifier } from '../host/service-notifier.ts';
import { catchStopSignals } from '../host/stop-signals.ts';
import { withLifecycleLock } from '../lifecycle/lock.ts';
import type { HostPort } from '../lifecycle/ports.ts';
import { runProcess } from '../lifecycle/run.ts';
import type { RunEvents } from '../lifecycle/stoppable-run.ts';
import { printNotifyFailed } from '../presenters/lifecycle-notices.ts';
import { RuncClient } from '../runc/client.ts';
import { checkRunner } from '../supervisor/probes/check-runner.ts';
import { firstPass } from '../supervisor/probes/first-pass.ts';
import { probeRunc } from '../supervisor/probes/process-probes.ts';
import { commandOperation } from './lifecycle-ports.ts';
import type { Command } from './types.ts';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * What systemd hears of the run (docs/supervisor.md#one-job-bpm-run-job). Only when it listens:
 * then the readiness probe runs on this thread until its first pass, each failure a STATUS= line.
 */
function notifyEvents(notifier: ServiceNotifier, root: RootPaths, host: HostPort): RunEvents {
  if (!notifier.listening) return {};
  const options = probeRunc(root, host);
  let runc: RuncClient | undefined;
  const exec = (cid: string) => ({ cid, runc: () => (runc ??= new RuncClient(options())) });
  let probed = false;
  return {
    ready: () => notifier.ready(probed ? 'ready: the readiness probe passed' : undefined),
    readiness: (probe, cid, until) => {
      probed = true;
      notifier.status('running; waiting for the readiness probe');
      return firstPass(probe, checkRunner(probe.check, exec(cid)), until, (outcome, _changed, view) => {
        if (!outcome.ok)
          notifier.status(`readiness probe failed ${view.consecutiveFailures} time(s): ${outcome.detail}`);
      });
    },
  };
}

const run: Command = async (inv) => {
  const stop = catchStopSignals();
  const notifier = serviceNotifier(process.env, process.pid, (reason) => printNotifyFailed('run', reason));
  stop.signal.addEventListener('abort', () => notifier.stopping(), { once: true });
  const op = commandOperation(inv.root, stop.signal);
  try {
    return await withLifecycleLock(inv.root, 'run', inv.job, inv.process, (ref, log) =>
      runProcess(ref, log, op, {
        volumes: strings(inv.flags['volume']),
        env: strings(inv.flags['env']),
        stdout: process.stdout,
        stderr: process.stderr,
        // Watching for the container to run (inotify) and probing only pay when someone hears READY=1.
        events: notifyEvents(notifier, inv.root, op.host),
      }),
    );
  } finally {
    stop.release();
  }
};

export default run;
