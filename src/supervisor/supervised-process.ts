// One supervised process: adopt or start it, wait on its init's pidfd, restart it per its policy
// with the back-off, stop it on request. Starts and stops are the lifecycle's own operations under
// the per-process lifecycle lock, so the supervisor and a monit-driven `bpm start` never both start
// one process. A start waits until every dependency is ready (whenReady). Everything it asks of the
// world goes through its ports (process-port.ts), so its decisions are unit-tested with fakes.

import { processKey } from '../config/depends-on.ts';
import { DEFAULT_RESTART } from '../config/supervision.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import { describeLastExit, type LastExit } from '../lifecycle/last-exit.ts';
import type { ProcessRef } from '../lifecycle/process-ref.ts';
import type { Logger } from '../log/logger.ts';
import type { ExitResult } from '../text/exit-status.ts';
import { BackoffSchedule, type ExitStatus } from './backoff.ts';
import type { ProbesSnapshot } from './probes/process-probes.ts';
import type { ProbeStatus } from './probes/tracker.ts';
import type {
  ExitWatch,
  LiveInit,
  ProbesPort,
  ProcessPort,
  SupervisorClock,
  SupervisorPorts,
} from './process-port.ts';

/**
 * `starting` also covers waiting for dependencies; `running` is up but not ready yet (a readiness
 * probe has not passed); `ready` is up and ready (at once without a readiness probe).
 */
export type ActualState = 'starting' | 'running' | 'ready' | 'backoff' | 'failed' | 'stopping' | 'stopped';

export interface ProcessSnapshot {
  job: string;
  process: string;
  desired: 'running' | 'stopped';
  actual: ActualState;
  pid: number;
  startedAt?: number;
  restarts: number;
  nextRestartAt?: number;
  lastExit?: LastExit;
  /** The configured probes' last results (docs/supervisor.md#probes). */
  probes?: ProbesSnapshot;
}

export interface SupervisedProcessDeps {
  ports: SupervisorPorts;
  watcher: ExitWatch;
  log: Logger;
}

export class SupervisedProcess {
  readonly ref: ProcessRef;
  /** `JOB/PROC`, as depends_on names it. */
  readonly key: string;
  /** The config it was made from (a reload compares it with the new one). */
  readonly config: ProcessConfig;
  private readonly schedule: BackoffSchedule;
  private readonly watcher: ExitWatch;
  private readonly log: Logger;
  private readonly clock: SupervisorClock;
  /** The lifecycle's start and stop, the container's init (process-port.ts). */
  private readonly port: ProcessPort;
  private readonly signal: AbortSignal;
  private readonly probes: ProbesPort;
  /** What waits for it to be ready (a dependent's start). */
  private readonly readyWaiters = new Set<() => void>();
  private dependencies: readonly SupervisedProcess[] = [];
  private desired: 'running' | 'stopped' = 'running';
  private actual: ActualState = 'stopped';
  /** The watched init of its container while it runs. */
  private init: LiveInit | undefined;
  private startedAt: number | undefined;
  private nextRestartAt: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private lastExit: LastExit | undefined;
  /** Set by retire(): its stop removes the bundle too. */
  private retiring = false;
  /** Aborted by down(): ends a start's wait for its dependencies and for the lifecycle lock. */
  private upCancel = new AbortController();
  /** The start or stop in progress; the next one waits for it. */
  private busy: Promise<void> = Promise.resolve();

  constructor(ref: ProcessRef, config: ProcessConfig, deps: SupervisedProcessDeps) {
    this.ref = ref;
    this.key = processKey(ref.job, config.name);
    this.config = config;
    this.schedule = new BackoffSchedule(config.restart ?? DEFAULT_RESTART);
    this.watcher = deps.watcher;
    this.log = deps.log.session('process');
    this.clock = deps.ports.clock;
    this.port = deps.ports.process;
    this.signal = deps.ports.signal;
    this.probes = deps.ports.probes(
      ref,
      { readiness: config.readiness, liveness: config.liveness },
      this.log,
    );
  }

  snapshot(): ProcessSnapshot {
    const s: ProcessSnapshot = {
      job: this.ref.job,
      process: this.ref.proc,
      desired: this.desired,
      actual: this.actual,
      pid: this.init?.pid ?? 0,
      restarts: this.schedule.restarts,
    };
    if (this.startedAt !== undefined) s.startedAt = this.startedAt;
    if (this.nextRestartAt !== undefined) s.nextRestartAt = this.nextRestartAt;
    if (this.lastExit !== undefined) s.lastExit = this.lastExit;
    const probes = this.probes.snapshot();
    if (probes.readiness !== undefined || probes.liveness !== undefined) s.probes = probes;
    return s;
  }

  /** The processes it depends on (depends_on, resolved): each start waits until they are ready. */
  dependOn(dependencies: readonly SupervisedProcess[]): void {
    this.dependencies = dependencies;
  }

  // --- readiness (docs/supervisor.md, "Readiness"): what a dependent's start waits for ---

  /** Ready: its container runs and its readiness probe passed (or it has none). */
  get isReady(): boolean {
    return this.actual === 'ready';
  }

  /** Resolves true once it is ready (at once if it is), false when `abort` aborts first. */
  whenReady(abort?: AbortSignal): Promise<boolean> {
    if (this.isReady) return Promise.resolve(true);
    if (abort?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        this.readyWaiters.delete(check);
        abort?.removeEventListener('abort', onAbort);
        resolve(ready);
      };
      const check = (): void => {
        if (this.isReady) done(true);
      };
      const onAbort = (): void => done(false);
      this.readyWaiters.add(check);
      abort?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // --- desired state ---

  /** Want it running: adopt the container that runs, else start one once its dependencies are ready. */
  up(): Promise<void> {
    this.desired = 'running';
    this.schedule.reset();
    return this.serial(() => this.bringUp());
  }

  /**
   * Want it stopped: cancel a planned restart and stop it through the lifecycle's stop. An
   * operator's stop (`asked`) first asks a `bpm run` that runs the container to stop it, as `bpm
   * stop` does without a supervisor: that run holds the lifecycle lock until its process ends.
   */
  down(asked: 'by-operator' | undefined = undefined): Promise<void> {
    this.desired = 'stopped';
    this.cancelRestart();
    this.upCancel.abort();
    return this.serial(async () => {
      this.upCancel = new AbortController();
      // Never started (or cleared already): nothing to stop, nothing to log; for good, the bundle
      // an earlier stop kept goes.
      if (this.init === undefined && !this.port.hasContainer(this.ref)) {
        if (this.retiring) await this.removeKeptBundle();
        this.setActual('stopped');
        return;
      }
      await this.stopContainer(asked === 'by-operator');
      this.startedAt = undefined;
      this.setActual('stopped');
      this.log.info('stopped', this.data());
    });
  }

  /**
   * Stop the container through the lifecycle's stop (signal, timeout, QUIT, KILL): its init's end.
   * Unwatched first, so the exit this stop causes is no crash; the pidfd stays open until the stop
   * is done, to reap the init after it (no zombie). A container that exited already (back-off,
   * failed, kept down by the policy) is only removed: no signal to send, nothing to wait for.
   */
  private async stopContainer(askRun = false): Promise<ExitResult | undefined> {
    this.probes.stop();
    const live = this.init;
    if (live !== undefined) this.watcher.unwatch(live.fd);
    this.setActual('stopping');
    this.log.info('stopping', this.data());
    try {
      const run = askRun ? await this.port.askRunToStop(this.ref) : undefined;
      if (run !== undefined) this.log.info('asked-bpm-run-to-stop', { ...this.data(), pid: String(run) });
      const keepBundle = !this.retiring;
      if (live !== undefined) await this.port.stop(this.ref, this.config, this.signal, keepBundle);
      else await this.port.clearExited(this.ref, this.config, this.signal, keepBundle);
    } catch (err) {
      this.log.error('failed-to-stop', err, this.data());
    }
    return this.release();
  }

  /**
   * down() for good: the process is no longer supervised (a reload dropped it, the start-up sweep
   * found it, or the supervisor shuts down), so its bundle goes with its container instead of
   * staying for a next start.
   */
  retire(): Promise<void> {
    this.retiring = true;
    return this.down();
  }

  private async removeKeptBundle(): Promise<void> {
    try {
      await this.port.removeKeptBundle(this.ref, this.signal);
    } catch (err) {
      this.log.error('failed-to-remove-bundle', err, this.data());
    }
  }

  /** down() then up(): an operator's restart. */
  async restart(): Promise<void> {
    await this.down('by-operator');
    await this.up();
  }

  /** Forget the process without touching it (the supervisor exits and leaves it running). */
  detach(): void {
    this.cancelRestart();
    this.upCancel.abort();
    this.release();
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.busy.then(step);
    this.busy = next.catch(() => {});
    return next;
  }

  private data(): Record<string, string> {
    return { job: this.ref.job, process: this.ref.proc };
  }

  /** Set the actual state and wake what waits for readiness. */
  private setActual(state: ActualState): void {
    this.actual = state;
    if (state === 'ready') for (const check of [...this.readyWaiters]) check();
  }

  /** Wait for every dependency to be ready; false when a down() came first. */
  private async dependenciesReady(): Promise<boolean> {
    const waiting = this.dependencies.filter((d) => !d.isReady);
    if (waiting.length === 0) return true;
    this.setActual('starting');
    this.log.info('waiting-for-dependencies', { ...this.data(), on: waiting.map((d) => d.key).join(',') });
    const abort = this.upCancel.signal;
    const ready = await Promise.all(waiting.map((d) => d.whenReady(abort)));
    return ready.every(Boolean) && this.desired === 'running';
  }

  private async bringUp(): Promise<void> {
    if (this.desired !== 'running' || this.init !== undefined) return;
    this.nextRestartAt = undefined;
    if (this.adopt()) {
      this.log.info('adopted', { ...this.data(), pid: String(this.init!.pid) });
      return;
    }
    if (!(await this.dependenciesReady())) return;
    this.setActual('starting');
    this.log.info('starting', this.data());
    let early: ExitResult | undefined;
    const cancelled = AbortSignal.any([this.signal, this.upCancel.signal]);
    try {
      early = (await this.port.start(this.ref, cancelled)).exitedAtOnce;
    } catch (err) {
      this.log.error('failed-to-start', err, this.data());
    }
    if (cancelled.aborted) {
      // A stop, a detach or the supervisor's shutdown came meanwhile: no crash; what came deals
      // with the container (a stop removes one the start made after all, a detach leaves it).
      if (this.desired !== 'running') this.setActual('stopping');
      return;
    }
    if (!this.adopt()) {
      // It did not start, or exited before it could be watched (start's early-exit watch reaped
      // it and knows its status; else it is reaped now): the same as a crash.
      this.exited(this.clock.now(), early ?? this.port.reapDeadInit(this.ref));
      return;
    }
    this.log.info('started', { ...this.data(), pid: String(this.init!.pid) });
  }

  /** Watch the container's init if it is our live container; true when it is. */
  private adopt(): boolean {
    let init: LiveInit | undefined;
    try {
      init = this.port.openInit(this.ref);
    } catch (err) {
      this.log.error('not-own-container', err, this.data());
      return false;
    }
    if (init === undefined) return false;
    this.init = init;
    this.startedAt ??= this.clock.now();
    this.watcher.watch(init.fd, () => {
      const end = this.release();
      this.exited(this.clock.now(), end);
    });
    // Without a readiness probe a running process is ready; with one it waits for the first pass.
    this.setActual(this.probes.hasReadiness ? 'running' : 'ready');
    this.probes.start({
      readinessChanged: (status) => this.readinessChanged(status),
      livenessFailed: () => void this.serial(() => this.restartUnhealthy()),
    });
    return true;
  }

  private readinessChanged(status: ProbeStatus): void {
    if (this.actual !== 'running' && this.actual !== 'ready') return;
    this.setActual(status === 'passing' ? 'ready' : 'running');
  }

  /** The liveness probe failed: stop it the normal way, then restart it like after a failure. */
  private async restartUnhealthy(): Promise<void> {
    if (this.desired !== 'running' || this.init === undefined) return;
    const end = await this.stopContainer();
    this.exited(this.clock.now(), end, true);
  }

  /** Stop watching the init, reap it if it is ours and has exited: its end (undefined: unknown). */
  private release(): ExitResult | undefined {
    this.probes.stop();
    const init = this.init;
    if (init === undefined) return undefined;
    this.watcher.unwatch(init.fd);
    this.init = undefined;
    try {
      return this.port.release(init);
    } catch (err) {
      this.log.error('failed-to-reap', err, this.data());
      return undefined;
    }
  }

  /**
   * The process ended (or never started): record it and plan the restart. `end` is its status
   * when the supervisor could reap it: a container it started, not an adopted one, whose init is
   * not its child (docs/supervisor.md).
   */
  private exited(now: number, end: ExitResult | undefined, unhealthy = false): void {
    this.lastExit = {
      at: new Date(now).toISOString(),
      code: end?.code ?? null,
      signal: end?.signal ?? null,
      seenBy: 'supervise',
    };
    try {
      this.port.recordLastExit(this.ref, this.lastExit);
    } catch (err) {
      this.log.error('failed-to-record-exit', err, this.data());
    }
    const startedAt = this.startedAt ?? now;
    this.startedAt = undefined;
    if (this.desired !== 'running') {
      this.setActual('stopping'); // the stop under way sets the final state
      return;
    }
    // A liveness failure is a failure, however the stopped init ended.
    const status: ExitStatus = unhealthy ? { signal: 'liveness' } : exitStatus(end);
    const exit = describeLastExit(this.lastExit);
    const plan = this.schedule.exited(status, startedAt, now);
    if (plan === undefined) {
      // The policy keeps it down: after a clean exit it is done, after a failure it failed.
      this.setActual('code' in status && status.code === 0 ? 'stopped' : 'failed');
      this.log.info('not-restarting', { ...this.data(), exit });
      return;
    }
    this.nextRestartAt = plan.at;
    this.setActual('backoff');
    this.log.info('restart-planned', { ...this.data(), exit, delay_ms: String(plan.delayMs) });
    this.cancelTimer = this.clock.timer(plan.delayMs, () => {
      this.cancelTimer = undefined;
      void this.serial(() => this.bringUp()).catch((err: unknown) =>
        this.log.error('failed-to-restart', new Error(messageOf(err)), this.data()),
      );
    });
  }

  private cancelRestart(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.nextRestartAt = undefined;
  }
}

/** The restart policy's view of an end: an unknown status counts as a failure. */
function exitStatus(end: ExitResult | undefined): ExitStatus {
  if (end === undefined) return { signal: 'unknown' };
  if (end.signal !== null) return { signal: end.signal };
  return { code: end.code ?? 0 };
}
