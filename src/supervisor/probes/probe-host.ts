// Where the supervisor's probe loops run (docs/supervisor.md#probes): on one worker thread
// (probe-thread.ts), or with `BPM_PROBE_THREAD=0` in the supervisor's environment on its main
// thread (in-process.ts: ~15 MiB less, probes later under a crash-looping load). One per process,
// made on first use.
import { InProcessProbes } from './in-process.ts';
import { ProbeThread } from './probe-thread.ts';

export type ProbeHost = Pick<ProbeThread, 'start' | 'stop'>;

let shared: ProbeHost | undefined;

/** Whether the environment asks for the probe loops on the main thread. */
export function wantsMainThread(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['BPM_PROBE_THREAD'] === '0';
}

/** The supervisor's probe host (one per process). */
export function probeLoops(): ProbeHost {
  shared ??= wantsMainThread() ? new InProcessProbes() : new ProbeThread();
  return shared;
}
