// The supervisor's probe loops on its main thread, opt-in with BPM_PROBE_THREAD=0 (probe-host.ts,
// docs/supervisor.md#probes): the same loops as the probe thread's (worker-main.ts), run here,
// with no worker and its ~16.5 MiB, but behind the starts' and stops' synchronous work. An http or tcp
// attempt is a loopback socket; an exec attempt's `runc exec` is started by posix_spawn on a libuv
// worker (runc/spawn.ts), so no attempt makes the event loop wait for a fork.
import type { ProbeConfig } from '../../config/supervision.ts';
import { targetRunner } from './check-runner.ts';
import { ProbeLoop, type ProbeRunner, REAL_TIMERS, type Timers } from './loop.ts';
import type { ExecTarget, FromProbeThread } from './thread-protocol.ts';

type Listener = (result: FromProbeThread) => void;

/** Where the runner of a probe comes from (targetRunner; a fake in tests). */
export type RunnerFor = (config: ProbeConfig, exec: ExecTarget | undefined) => ProbeRunner;

export class InProcessProbes {
  private nextId = 1;
  private readonly loops = new Map<number, ProbeLoop>();
  private readonly runnerFor: RunnerFor;
  private readonly timers: Timers;

  constructor(
    runnerFor: RunnerFor = (config, exec) => targetRunner(config.check, exec),
    timers = REAL_TIMERS,
  ) {
    this.runnerFor = runnerFor;
    this.timers = timers;
  }

  /** Start a probe loop; `listener` gets each result. Returns the id to stop it with. */
  start(config: ProbeConfig, exec: ExecTarget | undefined, listener: Listener): number {
    const id = this.nextId++;
    const loop = new ProbeLoop(config, this.runnerFor(config, exec), this.timers, (outcome, changed, view) =>
      listener({ id, outcome, changed, view }),
    );
    this.loops.set(id, loop);
    loop.start();
    return id;
  }

  /** Stop it: no further attempt, the one in flight is aborted and its result dropped. */
  stop(id: number): void {
    this.loops.get(id)?.stop();
    this.loops.delete(id);
  }

  /** How many loops run (for tests). */
  get size(): number {
    return this.loops.size;
  }
}
