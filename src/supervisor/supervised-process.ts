// One supervised process: adopt or start it, wait on its init's pidfd, restart it per its policy
// with the back-off, stop it on request. Starts and stops are the lifecycle's own operations under
// the per-process lifecycle lock, so the supervisor and a monit-driven `bpm start` never both start
// one process.
import { closeSync } from 'node:fs';
import type { RootPaths } from '../bosh/paths.ts';
import { DEFAULT_RESTART } from '../config/supervision.ts';
import type { ProcessConfig } from '../config/types.ts';
import { messageOf } from '../errors.ts';
import type { Operation } from '../lifecycle/context.ts';
import { type LastExit, recordLastExit } from '../lifecycle/last-exit.ts';
import { withLifecycleLock } from '../lifecycle/lock.ts';
import { assertOwnContainer } from '../lifecycle/ownership.ts';
import { type ProcessRef, processRef } from '../lifecycle/process-ref.ts';
import { startProcess } from '../lifecycle/start.ts';
import { stopProcess } from '../lifecycle/stop.ts';
import type { Logger } from '../log/logger.ts';
import { readInitProcess } from '../runc/state-file.ts';
import type { ExitWatcher } from '../sys/exit-watcher.ts';
import { openLiveProcess } from '../sys/pidfd.ts';
import { BackoffSchedule } from './backoff.ts';
import { probeThread } from './probes/probe-thread.ts';
import { type ProbesSnapshot, ProcessProbes, probeRunc } from './probes/process-probes.ts';
import type { ProbeStatus } from './probes/tracker.ts';

export type ActualState = 'starting' | 'running' | 'ready' | 'backoff' | 'failed' | 'stopping' | 'stopped';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

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

export class SupervisedProcess {
  readonly ref: ProcessRef;
  private readonly schedule: BackoffSchedule;
  private readonly watcher: ExitWatcher;
  private readonly log: Logger;
  private readonly clock: Clock;
  /** The lifecycle's ports (runc, host, clock, timeouts) for the starts and stops. */
  private readonly op: Operation;
  private desired: 'running' | 'stopped' = 'running';
  private actual: ActualState = 'stopped';
  private pid = 0;
  private pidfd: number | undefined;
  private startedAt: number | undefined;
  private nextRestartAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastExit: LastExit | undefined;
  /** The start or stop in progress; the next one waits for it. */
  private busy: Promise<void> = Promise.resolve();
  private readonly probes: ProcessProbes;

  constructor(
    root: RootPaths,
    job: string,
    config: ProcessConfig,
    watcher: ExitWatcher,
    log: Logger,
    clock: Clock,
    op: Operation,
  ) {
    this.op = op;
    this.ref = processRef(root, job, config.name);
    this.schedule = new BackoffSchedule(config.restart ?? DEFAULT_RESTART);
    this.watcher = watcher;
    this.log = log.session('process');
    this.clock = clock;
    this.probes = new ProcessProbes(
      this.ref,
      { readiness: config.readiness, liveness: config.liveness },
      { log: this.log, thread: probeThread(), runc: probeRunc(root, op.host) },
    );
  }

  snapshot(): ProcessSnapshot {
    const s: ProcessSnapshot = {
      job: this.ref.job,
      process: this.ref.proc,
      desired: this.desired,
      actual: this.actual,
      pid: this.pid,
      restarts: this.schedule.restarts,
    };
    if (this.startedAt !== undefined) s.startedAt = this.startedAt;
    if (this.nextRestartAt !== undefined) s.nextRestartAt = this.nextRestartAt;
    if (this.lastExit !== undefined) s.lastExit = this.lastExit;
    const probes = this.probes.snapshot();
    if (probes.readiness !== undefined || probes.liveness !== undefined) s.probes = probes;
    return s;
  }

  /** Want it running: adopt the container that runs, else start one. */
  up(): Promise<void> {
    this.desired = 'running';
    this.schedule.reset();
    return this.serial(() => this.bringUp());
  }

  /** Want it stopped: cancel a planned restart and stop it through the lifecycle's stop. */
  down(): Promise<void> {
    this.desired = 'stopped';
    this.cancelRestart();
    return this.serial(async () => {
      await this.stopContainer();
      this.actual = 'stopped';
      this.pid = 0;
      this.startedAt = undefined;
    });
  }

  /** Stop watching and stop the container through the lifecycle's stop (signal, timeout, QUIT, KILL). */
  private async stopContainer(): Promise<void> {
    this.release();
    this.actual = 'stopping';
    try {
      await withLifecycleLock(this.ref.root, 'stop', this.ref.job, this.ref.proc, (ref, log) =>
        stopProcess(ref, log, this.op),
      );
    } catch (err) {
      this.log.error('failed-to-stop', err, this.data());
    }
  }

  /** Forget the process without touching it (the supervisor exits and leaves it running). */
  detach(): void {
    this.cancelRestart();
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

  private async bringUp(): Promise<void> {
    if (this.desired !== 'running' || this.pidfd !== undefined) return;
    this.nextRestartAt = undefined;
    if (this.adopt()) {
      this.log.info('adopted', { ...this.data(), pid: String(this.pid) });
      return;
    }
    this.actual = 'starting';
    this.log.info('starting', this.data());
    try {
      await withLifecycleLock(this.ref.root, 'start', this.ref.job, this.ref.proc, (ref, log) =>
        startProcess(ref, log, this.op),
      );
    } catch (err) {
      this.log.error('failed-to-start', err, this.data());
    }
    if (!this.adopt()) {
      // It did not start, or exited before it could be watched: the same as a crash.
      this.exited(this.clock.now());
      return;
    }
    this.log.info('started', { ...this.data(), pid: String(this.pid) });
  }

  /** Watch the container's init if it is our live container; true when it is. */
  private adopt(): boolean {
    const stateFile = this.ref.root.runcStateFile(this.ref.cid);
    const init = readInitProcess(stateFile);
    if (init === undefined) return false;
    try {
      assertOwnContainer(this.ref, stateFile);
    } catch (err) {
      this.log.error('not-own-container', err, this.data());
      return false;
    }
    const fd = openLiveProcess(init.pid, init.startTime);
    if (fd === undefined) return false;
    this.pidfd = fd;
    this.pid = init.pid;
    this.startedAt ??= this.clock.now();
    // Without a readiness probe a running process is ready; with one it waits for the first pass.
    this.actual = this.probes.hasReadiness ? 'running' : 'ready';
    this.watcher.watch(fd, () => {
      this.release();
      this.exited(this.clock.now());
    });
    this.probes.start({
      readinessChanged: (status) => this.readinessChanged(status),
      livenessFailed: () => void this.serial(() => this.restartUnhealthy()),
    });
    return true;
  }

  private readinessChanged(status: ProbeStatus): void {
    if (this.actual !== 'running' && this.actual !== 'ready') return;
    this.actual = status === 'passing' ? 'ready' : 'running';
  }

  /** The liveness probe failed: stop it the normal way, then restart it like after a crash. */
  private async restartUnhealthy(): Promise<void> {
    if (this.desired !== 'running' || this.pidfd === undefined) return;
    await this.stopContainer();
    this.exited(this.clock.now());
  }

  private release(): void {
    this.probes.stop();
    if (this.pidfd === undefined) return;
    this.watcher.unwatch(this.pidfd);
    closeSync(this.pidfd);
    this.pidfd = undefined;
  }

  /** The process ended (or never started): record it and plan the restart. */
  private exited(now: number): void {
    // Not our child (runc started it), so the status is unknown; see docs/supervisor.md.
    this.lastExit = { at: new Date(now).toISOString(), code: null, signal: null, seenBy: 'supervise' };
    try {
      recordLastExit(this.ref.paths, this.ref.proc, this.lastExit);
    } catch (err) {
      this.log.error('failed-to-record-exit', err, this.data());
    }
    const startedAt = this.startedAt ?? now;
    this.pid = 0;
    this.startedAt = undefined;
    if (this.desired !== 'running') return;
    const plan = this.schedule.exited({ signal: 'unknown' }, startedAt, now);
    if (plan === undefined) {
      this.actual = 'failed';
      this.log.info('not-restarting', this.data());
      return;
    }
    this.actual = 'backoff';
    this.nextRestartAt = plan.at;
    this.log.info('restart-planned', { ...this.data(), delay_ms: String(plan.delayMs) });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serial(() => this.bringUp()).catch((err: unknown) =>
        this.log.error('failed-to-restart', new Error(messageOf(err)), this.data()),
      );
    }, plan.delayMs);
  }

  private cancelRestart(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextRestartAt = undefined;
  }
}
