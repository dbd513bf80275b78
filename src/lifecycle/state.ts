// bpm's process states, derived from runc's (docs/behaviour/locking-and-recovery.md §3).
import type { RuncPort } from './ports.ts';

export type ProcessStatus = 'running' | 'failed' | 'created' | 'creating';

/** runc status → bpm status: stopped, paused and anything unknown are `failed`. */
export function mapStatus(runcStatus: string): ProcessStatus {
  switch (runcStatus) {
    case 'running':
    case 'created':
    case 'creating':
      return runcStatus;
    default:
      return 'failed';
  }
}

export interface ProcessState {
  status: ProcessStatus;
  /** The container init's host pid (0 when runc reports none). */
  pid: number;
}

/** The process's state, or undefined when its container does not exist. runc errors propagate. */
export async function processState(runc: RuncPort, cid: string): Promise<ProcessState | undefined> {
  const r = await runc.state(cid);
  if (!r.exists) return undefined;
  return { status: mapStatus(r.state.status), pid: r.state.pid };
}
