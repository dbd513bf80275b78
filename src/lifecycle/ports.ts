// The ports of the lifecycle (docs/architecture.md, "Lifecycle ports"): everything start, stop,
// run, list and recovery ask of runc, of the host and of time. The lifecycle decides; these act.
// The real ones are made once per command at the edge (commands/lifecycle-ports.ts); the unit
// tests pass an in-memory runc, a fake host and a fake clock (test/lifecycle/fakes/).
import type { JobPaths } from '../bosh/paths.ts';
import type { writeBundle } from '../host/bundle.ts';
import type { CgroupUsage } from '../host/cgroup-usage.ts';
import type { runPreStartHook } from '../host/pre-start-hook.ts';
import type { createPrerequisites } from '../host/prerequisites.ts';
import type { HostFeatures, User } from '../host-facts.ts';
import type { OciResources } from '../oci/types.ts';
import type { DetachedRun, ForegroundEnd, ForegroundRun, KillSignal } from '../runc/client.ts';
import type { ContainerState, StateResult } from '../runc/state.ts';
import type { ExitResult } from '../text/exit-status.ts';
import type { LastExit } from './last-exit.ts';
import type { ProcessRef } from './process-ref.ts';

/** The runc operations the lifecycle uses; `runc/client.ts`'s RuncClient is the real one. */
export interface RuncPort {
  /** runc's state file of a container (it may not exist). */
  stateFile(cid: string): string;
  state(cid: string): Promise<StateResult>;
  list(): Promise<ContainerState[]>;
  runDetached(run: DetachedRun): Promise<void>;
  runForeground(run: ForegroundRun): Promise<ForegroundEnd>;
  kill(cid: string, signal: KillSignal): Promise<void>;
  /** `delete --force`. */
  delete(cid: string): Promise<void>;
}

/** A verified, live container init that stop signals and waits for. */
export interface InitHandle {
  signal(signal: KillSignal): Promise<void>;
  /** Resolves true once the init exited, false when `abort` aborted first. */
  exited(abort: AbortSignal): Promise<boolean>;
  /** Release it (a pidfd); called once every `exited` has settled. */
  close(): void;
}

/** A process as recorded to be found again: its pid and its start time (clock ticks after boot). */
export interface RecordedProcess {
  pid: number;
  startTime: number;
}

/** What the lifecycle asks of the host besides runc. */
export interface HostPort {
  /** The host feature probe (docs/behaviour/locking-and-recovery.md §6.3); throws the bare cause. */
  probeFeatures(): HostFeatures;
  /**
   * The runc client that follows from the features (`--systemd-cgroup`); given the held lifecycle
   * lock's descriptor (`ProcessRef.lockFd`), the runc calls that change the container and exit on
   * their own inherit it, so that a killed bpm's lock lasts until they are done.
   */
  runc(features: HostFeatures, lockFd?: number): RuncPort;
  /** The container init runc's state file names, if it is still that very process. */
  openInit(stateFile: string): InitHandle | undefined;
  /** Resolves true once process `pid` exited, false when `abort` aborted first. */
  processExited(pid: number, abort: AbortSignal): Promise<boolean>;
  /** The host pids in a container's cgroups right now, over every mounted hierarchy. */
  containerPids(ref: ProcessRef, features: HostFeatures): Promise<number[]>;
  /**
   * Resolves true once the container of runc's state file `stateFile` runs its process (a
   * foreground `runc run` gives no other sign), false when `abort` aborted first.
   */
  containerRunning(stateFile: string, abort: AbortSignal): Promise<boolean>;
  /** This bpm process, as another bpm can find it again. */
  self(): RecordedProcess;
  /** The recorded process if it is still that very process (a pidfd), to signal and wait for. */
  openProcess(recorded: RecordedProcess): InitHandle | undefined;
  /** SIGKILL what is left in a container's cgroups, once its runc state is lost (policy fix 5). */
  killContainerProcesses(ref: ProcessRef, features: HostFeatures): Promise<void>;
  lookupUser(name: string): User;
  createPrerequisites: typeof createPrerequisites;
  writeBundle: typeof writeBundle;
  runPreStartHook: typeof runPreStartHook;
  /** Make bpm the subreaper of what it starts (prctl), so it can read an init's early exit. */
  becomeSubreaper(): void;
  /** Remove the staging points of a process's host mounts (host/staging.ts) once runc is done. */
  clearStaging(paths: JobPaths, proc: string): Promise<void>;
  /** The pid file's contents, never read through a link (host/pid-file.ts); throws when missing. */
  readPidFile(paths: JobPaths, proc: string): string;
  /** Replace the pid file as runc writes it (temporary file and rename, no newline, no link followed). */
  writePidFile(paths: JobPaths, proc: string, pid: number): void;
  /** Delete the pid file; a missing one is fine. */
  removePidFile(paths: JobPaths, proc: string): void;
  /**
   * Before runc makes a container with `resources`: on a cgroup v2 host without systemd, enable the
   * controllers they need in the parent cgroup (host/cgroup-delegation.ts); a no-op otherwise.
   */
  prepareContainerCgroup(features: HostFeatures, resources: OciResources | undefined): void;
  /** The record of how the process last ended (lifecycle/last-exit.ts), or undefined. */
  readLastExit(paths: JobPaths, proc: string): LastExit | undefined;
  /** Replace that record. */
  recordLastExit(paths: JobPaths, proc: string, exit: LastExit): void;
  /**
   * A container's cgroup figures, from the cgroup directories in runc's state file (OOM kills
   * from the kernel log once the cgroup is gone); undefined when the file names no cgroup.
   */
  containerUsage(stateFile: string): CgroupUsage | undefined;
  /** Watch a just-started container's init for an exit within the window. */
  watchEarlyExit(
    ref: ProcessRef,
    host: { runc: Pick<RuncPort, 'stateFile'> },
    windowMs: number,
  ): Promise<EarlyExit | undefined>;
}

/** Reading and writing the last-exit records. */
export type LastExitRecords = Pick<HostPort, 'readLastExit' | 'recordLastExit'>;

/** A container init that ended right after its start. */
export interface EarlyExit {
  at: Date;
  /** The init's end, when bpm could reap it; undefined when the status cannot be known. */
  end: ExitResult | undefined;
}

/** Time, as the lifecycle sees it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or as soon as `abort` aborts (never rejects). */
  sleep(ms: number, abort?: AbortSignal): Promise<void>;
}

/** Stop's escalation (docs/behaviour/commands.md §3). */
export interface StopTimeouts {
  /** After the shutdown signal, before SIGQUIT (20 s). */
  stopMs: number;
  /** After SIGQUIT, before the forced delete (2 s). */
  quitMs: number;
}

export const DEFAULT_STOP_TIMEOUTS: StopTimeouts = Object.freeze({ stopMs: 20_000, quitMs: 2_000 });

/** The collaborators of one lifecycle operation. */
export interface LifecyclePorts {
  host: HostPort;
  clock: Clock;
  stopTimeouts: StopTimeouts;
}
