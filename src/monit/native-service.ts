// A monit service whose programs are `bpm start|stop JOB [-p PROC]`: supervised in-process by the
// supervisor's SupervisedProcess (adopt or start, pidfd wait, restart by the bpm.yml policy) — no
// bpm process is spawned. Monit's view of it: monitored or not, initialising until first seen
// running, failing (does not exist) while it is down and being restarted.
import type { SupervisedProcess } from '../supervisor/supervised-process.ts';
import {
  type Action,
  MONITOR_INIT,
  MONITOR_NOT,
  MONITOR_YES,
  type MonitRuntimeService,
  PENDING,
  type ServiceView,
  STATUS_NONEXIST,
  STATUS_OK,
} from './service.ts';

export class NativeService implements MonitRuntimeService {
  readonly name: string;
  readonly groups: readonly string[];
  readonly dependsOn: readonly string[];
  private readonly proc: SupervisedProcess;
  private monitored = false;
  /** Whether the process has run since it was last (re)monitored: a later down state is a failure. */
  private ran = false;

  constructor(
    name: string,
    groups: readonly string[],
    dependsOn: readonly string[],
    proc: SupervisedProcess,
  ) {
    this.name = name;
    this.groups = groups;
    this.dependsOn = dependsOn;
    this.proc = proc;
  }

  view(): ServiceView {
    const s = this.proc.snapshot();
    const base = { name: this.name, groups: this.groups, pending: PENDING.none };
    if (!this.monitored) return { ...base, monitor: MONITOR_NOT, status: STATUS_OK, pid: 0 };
    if (s.actual === 'running') {
      this.ran = true;
      const v: ServiceView = { ...base, monitor: MONITOR_YES, status: STATUS_OK, pid: s.pid };
      if (s.startedAt !== undefined) v.startedAt = s.startedAt;
      return v;
    }
    if (s.restarts > 0) this.ran = true;
    // Being stopped is not failing: the agent counts a status with a message as a stop error.
    if (s.desired === 'stopped') return { ...base, monitor: MONITOR_YES, status: STATUS_OK, pid: 0 };
    if (!this.ran) return { ...base, monitor: MONITOR_INIT, status: STATUS_OK, pid: 0 };
    return {
      ...base,
      monitor: MONITOR_YES,
      status: STATUS_NONEXIST,
      statusMessage:
        s.actual === 'failed' ? 'process is not running; not restarted' : 'process is not running',
      pid: 0,
    };
  }

  async act(action: Action): Promise<void> {
    if (action === 'unmonitor') {
      this.proc.detach();
      this.monitored = false;
      return;
    }
    if (action !== 'start') await this.proc.down();
    if (action === 'stop') {
      this.monitored = false;
      return;
    }
    this.monitored = true;
    this.ran = false;
    await this.proc.up();
  }

  release(): void {
    this.proc.detach();
  }
}
