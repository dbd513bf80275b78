// One monit service as the BOSH agent sees it through the status XML, whichever way it runs (a bpm
// process supervised in-process, or start program + pid file the monit way). The numbers are
// monit's own: the agent decodes them (docs/supervisor.md#replacing-monit).

/** `<monitor>`: 0 not monitored, 1 monitored, 2 initialising (started, not yet seen running). */
export const MONITOR_NOT = 0;
export const MONITOR_YES = 1;
export const MONITOR_INIT = 2;

/** `<pendingaction>`: the action under way. */
export const PENDING = { none: 0, restart: 2, stop: 3, unmonitor: 5, start: 6 } as const;
export type Action = 'start' | 'stop' | 'restart' | 'unmonitor';

/** `<status>` bits: monit's event flags. */
export const STATUS_OK = 0;
export const STATUS_RESOURCE = 0x2;
export const STATUS_TIMEOUT = 0x4;
export const STATUS_CONNECTION = 0x20;
export const STATUS_NONEXIST = 0x200;
export const STATUS_EXEC = 0x1000;

export interface ServiceView {
  name: string;
  groups: readonly string[];
  monitor: number;
  pending: number;
  status: number;
  statusMessage?: string;
  /** The live process (the container's init for a bpm process); 0 when none. */
  pid: number;
  /** When the process was first seen running (ms since the epoch). */
  startedAt?: number;
}

/** What a service reports as it changes: the alert sender turns these into monit's events. */
export interface ServiceEvent {
  service: string;
  /**
   * Monit's event name: `Does not exist`, `Exists`, `Execution failed`, `Action done`, and the
   * rules' `Connection failed|succeeded`, `Resource limit matched|succeeded`, `Timeout|Timeout recovery`.
   */
  event: string;
  /** Monit's action word: `restart`, `alert`, `start`, `stop`, `unmonitor`, `exec`. */
  action: string;
  description: string;
}

export type EventSink = (e: ServiceEvent) => void;

export interface MonitRuntimeService {
  readonly name: string;
  readonly groups: readonly string[];
  readonly dependsOn: readonly string[];
  view(): ServiceView;
  /** Run an action to its end (the HTTP API does not wait; it marks it pending and returns). */
  act(action: Action): Promise<void>;
  /** Stop watching without touching the process (shutdown of the supervisor). */
  release(): void;
}
