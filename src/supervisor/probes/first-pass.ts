// A readiness probe run until it first passes (`bpm run` under systemd, docs/supervisor.md#one-job-bpm-run-job):
// the supervisor's schedule and cut-off (loop.ts), on the calling thread, ended at the first success.
import {
  ProbeLoop,
  type ProbeRunner,
  type ProbeTiming,
  REAL_TIMERS,
  type ResultListener,
  type Timers,
} from './loop.ts';

/**
 * Run `run` on `timing`'s schedule until an attempt passes: resolves true then (no attempt follows), false once
 * `abort` aborts first (the attempt in flight is aborted). `onResult` hears every result before.
 */
export function firstPass(
  timing: ProbeTiming,
  run: ProbeRunner,
  abort: AbortSignal,
  onResult: ResultListener = () => {},
  timers: Timers = REAL_TIMERS,
): Promise<boolean> {
  return new Promise((resolve) => {
    if (abort.aborted) {
      resolve(false);
      return;
    }
    const loop = new ProbeLoop(timing, run, timers, (outcome, changed, view) => {
      onResult(outcome, changed, view);
      if (!outcome.ok) return;
      finish(true);
    });
    const finish = (passed: boolean): void => {
      abort.removeEventListener('abort', aborted);
      loop.stop();
      resolve(passed);
    };
    const aborted = (): void => finish(false);
    abort.addEventListener('abort', aborted, { once: true });
    loop.start();
  });
}
