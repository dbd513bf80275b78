// A monit service whose programs are `bpm start|stop JOB [-p PROC]`: supervised in-process by the
// supervisor's SupervisedProcess (adopt or start, pidfd wait, restart by the bpm.yml policy) — no
// bpm process is spawned. Monit's view of it: monitored or not, initialising until first seen
// running, failing (does not exist) while it is down and being restarted. It learns of deaths and
// returns through the ObservedExitWatcher its process is built with, and reports them as monit's
// events.
import type { SupervisedProcess } from '../supervisor/supervised-process.ts';
import type { ExitObserver } from './observed-exit-watcher.ts';
import {
  type Action,
  type EventSink,
  MONITOR_INIT,
  MONITOR_NOT,
  MONITOR_YES,
  type MonitRuntimeService,
  PENDING,
  type ServiceView,
  STATUS_NONEXIST,
  STATUS_OK,
} from './service.ts';

export class NativeService implements MonitRuntimeService, ExitObserver {
  readonly name: string;
  readonly groups: readonly string[];
  readonly dependsOn: readonly string[];
  private proc: SupervisedProcess | undefined;
  private readonly emit: EventSink;
  private monitored = false;
  /** Whether the process has run since it was last (re)monitored: a later down state is a failure. */
  private ran = false;
  /** The process died and has not been seen running since: its return is an "Exists" event. */
  private down = false;

  constructor(name: string, groups: readonly string[], dependsOn: readonly string[], emit: EventSink) {
    this.name = name;
    this.groups = groups;
    this.dependsOn = dependsOn;
    this.emit = emit;
  }

  /** The process, built with this service as its exit observer. */
  attach(proc: SupervisedProcess): void {
    this.proc = proc;
  }

  private get process(): SupervisedProcess {
    if (this.proc === undefined) throw new Error(`${this.name}: no process attached`);
    return this.proc;
  }

  exited(): void {
    if (!this.monitored || this.process.snapshot().desired !== 'running') return;
    this.down = true;
    this.emit({
      service: this.name,
      event: 'Does not exist',
      action: 'restart',
      description: 'process is not running',
    });
  }

  watched(): void {
    if (!this.down) return;
    this.down = false;
    const pid = this.process.snapshot().pid;
    this.emit({
      service: this.name,
      event: 'Exists',
      action: 'alert',
      description: `process is running with pid ${pid}`,
    });
  }

  view(): ServiceView {
    const s = this.process.snapshot();
    const base = { name: this.name, groups: this.groups, pending: PENDING.none };
    if (!this.monitored) return { ...base, monitor: MONITOR_NOT, status: STATUS_OK, pid: 0 };
    // `ready` is running with its readiness probe passed (or none); monit knows no readiness.
    if (s.actual === 'running' || s.actual === 'ready') {
      this.ran = true;
      const v: ServiceView = { ...base, monitor: MONITOR_YES, status: STATUS_OK, pid: s.pid };
      if (s.startedAt !== undefined) v.startedAt = s.startedAt;
      return v;
    }
    if (s.restarts > 0) this.ran = true;
    // Being stopped is not failing: the agent counts a status with a message as a stop error.
    if (s.desired === 'stopped') return { ...base, monitor: MONITOR_YES, status: STATUS_OK, pid: 0 };
    if (!this.ran) return { ...base, monitor: MONITOR_INIT, status: STATUS_OK, pid: 0 };
    const message =
      s.actual === 'failed' ? 'process is not running; not restarted' : 'process is not running';
    return { ...base, monitor: MONITOR_YES, status: STATUS_NONEXIST, statusMessage: message, pid: 0 };
  }

  async act(action: Action): Promise<void> {
    if (action === 'unmonitor') {
      this.process.detach();
      this.monitored = false;
      return;
    }
    if (action !== 'start') await this.process.down();
    if (action === 'stop') {
      this.monitored = false;
      return;
    }
    this.monitored = true;
    this.ran = false;
    this.down = false;
    await this.process.up();
  }

  release(): void {
    this.proc?.detach();
  }
}
