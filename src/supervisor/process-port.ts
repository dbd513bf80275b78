// The ports of a SupervisedProcess (docs/supervisor.md, "Process code and its ports"): everything it
// asks of the world — the lifecycle's start and stop under the per-process lock, the container's
// live init (runc's state file, a pidfd, the reaper), the exit watch, time and the probes. The
// process decides; these act. The real ones are made once at the edge
// (commands/supervisor-ports.ts); the unit tests pass fakes (test/supervisor/fakes/).
import type { ProbeConfig } from '../config/supervision.ts';
import type { ProcessConfig } from '../config/types.ts';
import type { FoundContainer } from '../lifecycle/bpm-containers.ts';
import type { LastExit } from '../lifecycle/last-exit.ts';
import type { ProcessRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';
import type { ExitResult } from '../text/exit-status.ts';
import type { ProbeKind, ProbeListener, ProbesSnapshot } from './probes/process-probes.ts';

/** A container's init, verified (pid and start time) and held by a descriptor the exit watch uses. */
export interface LiveInit {
  pid: number;
  /** Start time in clock ticks since boot: with the pid, its identity. */
  startTime: number;
  /** The pidfd the exit watcher polls. */
  fd: number;
}

/** What one supervised process asks of the lifecycle and of the host. */
export interface ProcessPort {
  /**
   * The live init of the process's own container, claimed as the supervisor's to reap; undefined
   * when there is none. Throws when the container is another process's (its bundle says so).
   */
  openInit(ref: ProcessRef): LiveInit | undefined;
  /** Whether runc has a state file for the process's container. */
  hasContainer(ref: ProcessRef): boolean;
  /**
   * The lifecycle's start under the lifecycle lock; `signal` ends the wait for the lock. Resolves
   * with the init's end when it exited at once and was reaped (undefined: it did not, or unknown).
   */
  start(ref: ProcessRef, signal: AbortSignal): Promise<{ exitedAtOnce?: ExitResult }>;
  /**
   * The lifecycle's stop of a live container, with `config`'s shutdown, under the lock. Its bundle
   * stays for the next start with `keepBundle` (src/host/bundle.ts), and goes with a process that is
   * no longer supervised.
   */
  stop(ref: ProcessRef, config: ProcessConfig, signal: AbortSignal, keepBundle: boolean): Promise<void>;
  /** Remove an exited container (or stop one that runs again) under the lock; `keepBundle` as for stop. */
  clearExited(
    ref: ProcessRef,
    config: ProcessConfig,
    signal: AbortSignal,
    keepBundle: boolean,
  ): Promise<void>;
  /**
   * Remove the bundle a stopped process kept (no container), under the lock; nothing to do without
   * one. For a process stopped for good that had no container left to stop.
   */
  removeKeptBundle(ref: ProcessRef, signal: AbortSignal): Promise<void>;
  /** Stop claiming the init, reap it if it has exited, close its descriptor: its end, if known. */
  release(init: LiveInit): ExitResult | undefined;
  /** The end of the init runc's state file names, if it is the supervisor's child and exited. */
  reapDeadInit(ref: ProcessRef): ExitResult | undefined;
  recordLastExit(ref: ProcessRef, exit: LastExit): void;
  /**
   * The pid of a live `bpm run` that runs the process now (it holds the lifecycle lock until its
   * process ends), if any.
   */
  runOwner(ref: ProcessRef): number | undefined;
  /** SIGTERM that `bpm run`, if one runs the process now (it then stops its container): its pid. */
  askRunToStop(ref: ProcessRef): Promise<number | undefined>;
}

/** Many inits' exits waited on at once (sys/exit-watcher.ts's ExitWatcher is the real one). */
export interface ExitWatch {
  /** Call `onExit` once, soon after the process behind `fd` exits. */
  watch(fd: number, onExit: () => void): void;
  unwatch(fd: number): void;
}

/** Time as the supervisor sees it: the clock and one-shot timers. */
export interface SupervisorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Call `fire` after `ms`; the returned function cancels it. */
  timer(ms: number, fire: () => void): () => void;
}

/** The readiness and liveness probes of one process (probes/process-probes.ts is the real one). */
export interface ProbesPort {
  readonly hasReadiness: boolean;
  start(listener: ProbeListener): void;
  stop(): void;
  snapshot(): ProbesSnapshot;
}

export type ProbeConfigs = Partial<Record<ProbeKind, ProbeConfig>>;

/** Everything the supervised processes share. */
export interface SupervisorPorts {
  /** The supervisor's cancellation: aborting it ends every wait for a lifecycle lock. */
  signal: AbortSignal;
  process: ProcessPort;
  clock: SupervisorClock;
  probes(ref: ProcessRef, configs: ProbeConfigs, log: Logger): ProbesPort;
  /** The containers of R's runc root, traced back to their job and process where they are bpm's. */
  containers(): FoundContainer[];
}
