// runc's own record of a container (R/sys/run/bpm-runc/CID/state.json, runc 1.1 libcontainer
// format), read directly where a `runc state` spawn would only tell us the init's pid and whether
// it still runs. runc decides the latter exactly so: the init pid exists, has the recorded start
// time (/proc/PID/stat field 22) and is not a zombie. Anything unexpected → undefined, and the
// caller asks runc itself.
import { readFileSync } from 'node:fs';

export interface InitProcess {
  pid: number;
  /** Start time in clock ticks since boot, as /proc/PID/stat reports it. */
  startTime: number;
}

export function readInitProcess(stateFile: string): InitProcess | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { init_process_pid: pid, init_process_start: startTime } = parsed as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof startTime !== 'number' || !Number.isSafeInteger(startTime)) return undefined;
  return { pid, startTime };
}
