// Messages between the supervisor's main thread and its probe thread (probe-thread.ts, worker-main.ts).
import type { ProbeConfig } from '../../config/supervision.ts';
import type { RuncOptions } from '../../runc/client.ts';
import type { ProbeOutcome, ProbeStatus, ProbeView } from './tracker.ts';

/** Where an exec probe runs: the container and the runc to enter it with. */
export interface ExecTarget {
  cid: string;
  runc: RuncOptions;
}

export type ToProbeThread =
  | { op: 'start'; id: number; config: ProbeConfig; exec?: ExecTarget }
  | { op: 'stop'; id: number };

export interface FromProbeThread {
  id: number;
  outcome: ProbeOutcome;
  changed: ProbeStatus | undefined;
  view: ProbeView;
}
