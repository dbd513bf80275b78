// Where the supervisor's probe loops run (docs/supervisor.md#probes): on its main thread
// (in-process.ts), or with `BPM_PROBE_THREAD=1` in its environment on one worker thread
// (probe-thread.ts). One of them per process, made on first use.
import { InProcessProbes } from './in-process.ts';
import { ProbeThread } from './probe-thread.ts';

export type ProbeHost = Pick<ProbeThread, 'start' | 'stop'>;

let shared: ProbeHost | undefined;

/** Whether the environment asks for the probe thread. */
export function wantsProbeThread(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['BPM_PROBE_THREAD'] === '1';
}

/** The supervisor's probe host (one per process). */
export function probeLoops(): ProbeHost {
  shared ??= wantsProbeThread() ? new ProbeThread() : new InProcessProbes();
  return shared;
}
