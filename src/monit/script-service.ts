// A monit service run the monit way (its programs are not plain bpm calls): the start program,
// then the pid file names the process; its pidfd is waited on with the supervisor's other pidfds
// (no polling cycle); when it dies the service shows "does not exist" and is restarted — the stop
// program, then the start program, as monit restarts a dead process — with the supervisor's
// back-off between restarts in a row. Stop runs the stop program and waits for the process to end.
import { closeSync } from 'node:fs';
import { DEFAULT_RESTART } from '../config/supervision.ts';
import { BackoffSchedule } from '../supervisor/backoff.ts';
import type { ExitWatcher } from '../sys/exit-watcher.ts';
import { reapPidfd } from '../sys/reaper.ts';
import type { MonitService, Program } from './monitrc.ts';
import { type LivePid, readLivePid, waitForLivePid } from './pid-file-watch.ts';
import { programFailure, runProgram } from './program-runner.ts';
import {
  type Action,
  type EventSink,
  MONITOR_INIT,
  MONITOR_NOT,
  MONITOR_YES,
  type MonitRuntimeService,
  PENDING,
  type ServiceView,
  STATUS_EXEC,
  STATUS_NONEXIST,
  STATUS_OK,
} from './service.ts';

/** Monit's default program timeout. */
export const DEFAULT_PROGRAM_TIMEOUT_MS = 30_000;

export class ScriptService implements MonitRuntimeService {
  readonly name: string;
  readonly groups: readonly string[];
  readonly dependsOn: readonly string[];
  private readonly spec: MonitService;
  private readonly watcher: ExitWatcher;
  private readonly emit: EventSink;
  private readonly schedule = new BackoffSchedule(DEFAULT_RESTART);
  private monitored = false;
  private monitor = MONITOR_NOT;
  private status = STATUS_OK;
  private statusMessage: string | undefined;
  private live: LivePid | undefined;
  private exitedAt: Promise<void> | undefined;
  private startedAt: number | undefined;
  private stopping = false;
  /** The process died and has not run since: its return is an "Exists" event. */
  private down = false;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(spec: MonitService, watcher: ExitWatcher, emit: EventSink) {
    this.spec = spec;
    this.name = spec.name;
    this.groups = spec.groups;
    this.dependsOn = spec.dependsOn;
    this.watcher = watcher;
    this.emit = emit;
  }

  view(): ServiceView {
    const base = { name: this.name, groups: this.groups, pending: PENDING.none };
    if (!this.monitored) return { ...base, monitor: MONITOR_NOT, status: STATUS_OK, pid: 0 };
    const v: ServiceView = { ...base, monitor: this.monitor, status: this.status, pid: this.live?.pid ?? 0 };
    if (this.statusMessage !== undefined) v.statusMessage = this.statusMessage;
    if (this.startedAt !== undefined && this.live !== undefined) v.startedAt = this.startedAt;
    return v;
  }

  act(action: Action): Promise<void> {
    this.cancelRestart();
    if (action === 'unmonitor') {
      this.monitored = false;
      this.release();
      return Promise.resolve();
    }
    return this.serial(async () => {
      const stopped = action === 'start' || (await this.stopOnce());
      if (action === 'stop') {
        // A stop program that failed leaves the service monitored, failing (as monit does).
        if (stopped) this.monitored = false;
        return;
      }
      this.monitored = true;
      if (this.live === undefined) this.monitor = MONITOR_INIT;
      this.schedule.reset();
      await this.startOnce();
    });
  }

  release(): void {
    this.cancelRestart();
    if (this.live === undefined) return;
    this.watcher.unwatch(this.live.fd);
    closeSync(this.live.fd);
    this.live = undefined;
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.busy.then(step);
    this.busy = next.catch(() => {});
    return next;
  }

  private setStatus(status: number, message?: string): void {
    this.status = status;
    this.statusMessage = message;
  }

  private async startOnce(): Promise<void> {
    const already = this.live ?? readLivePid(this.spec.pidfile);
    if (already !== undefined) {
      if (this.live === undefined) this.watchLive(already);
      return;
    }
    const start = this.spec.start;
    if (start === undefined) {
      this.failed('failed to start: no start program');
      return;
    }
    const run = runProgram(start, this.name, DEFAULT_PROGRAM_TIMEOUT_MS);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs(start));
    let failure: string | undefined;
    void run.done.then((r) => {
      failure = programFailure('start', r);
      if (failure !== undefined) ac.abort();
    });
    const live = await waitForLivePid(this.spec.pidfile, ac.signal);
    clearTimeout(timer);
    if (live === undefined) {
      this.failed(
        failure ?? `failed to start (no process in ${this.spec.pidfile} after ${timeoutMs(start) / 1000} s)`,
      );
      return;
    }
    this.watchLive(live);
    if (this.down) {
      this.down = false;
      this.emit({
        service: this.name,
        event: 'Exists',
        action: 'alert',
        description: `process is running with pid ${live.pid}`,
      });
    }
  }

  private watchLive(live: LivePid): void {
    this.live = live;
    this.monitor = MONITOR_YES;
    this.startedAt = Date.now();
    this.setStatus(STATUS_OK);
    this.exitedAt = new Promise((resolve) => {
      this.watcher.watch(live.fd, () => {
        // A daemon its start program left behind is reparented to the supervisor (a subreaper
        // once it started a bpm process): reap it, so no zombie stays. Someone else's: a no-op.
        reapPidfd(live.fd);
        this.release();
        resolve();
        this.exited();
      });
    });
  }

  private failed(message: string): void {
    this.monitor = MONITOR_YES;
    this.setStatus(STATUS_EXEC, message);
    this.emit({ service: this.name, event: 'Execution failed', action: 'alert', description: message });
    this.planRestart(Date.now());
  }

  private exited(): void {
    if (this.stopping || !this.monitored) return;
    this.down = true;
    this.setStatus(STATUS_NONEXIST, 'process is not running');
    this.emit({
      service: this.name,
      event: 'Does not exist',
      action: 'restart',
      description: 'process is not running',
    });
    this.planRestart(this.startedAt ?? Date.now());
  }

  private planRestart(startedAt: number): void {
    if (!this.monitored) return;
    const now = Date.now();
    const plan = this.schedule.exited({ signal: 'unknown' }, startedAt, now);
    if (plan === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.serial(async () => {
        if (!this.monitored) return;
        await this.stopOnce();
        await this.startOnce();
      });
    }, plan.delayMs);
  }

  private cancelRestart(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Run the stop program and wait for the process to end; false when the program failed. */
  private async stopOnce(): Promise<boolean> {
    const stop = this.spec.stop;
    if (stop === undefined) return true;
    this.stopping = true;
    try {
      const exited = this.exitedAt;
      const r = await runProgram(stop, this.name, DEFAULT_PROGRAM_TIMEOUT_MS).done;
      const failure = programFailure('stop', r);
      if (failure !== undefined) {
        this.setStatus(STATUS_EXEC, failure);
        this.emit({ service: this.name, event: 'Execution failed', action: 'alert', description: failure });
        return false;
      }
      if (this.live !== undefined && exited !== undefined) await withTimeout(exited, timeoutMs(stop));
      this.release();
      this.startedAt = undefined;
      this.setStatus(STATUS_OK);
      return true;
    } finally {
      this.stopping = false;
    }
  }
}

function timeoutMs(p: Program): number {
  return (p.timeoutSeconds ?? 0) > 0 ? p.timeoutSeconds! * 1000 : DEFAULT_PROGRAM_TIMEOUT_MS;
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
