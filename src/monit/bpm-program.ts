// Whether a monit service is a bpm process: its start and stop programs are exactly
// `R/jobs/bpm/bin/bpm start|stop JOB [-p PROC]` (R = the BOSH root, /var/vcap on a VM). Such a
// service is supervised in-process by the supervisor; anything else (an env wrapper, a shell, extra
// flags) is run the monit way, so a job that only looks like bpm is never second-guessed.
import type { RootPaths } from '../bosh/paths.ts';
import type { MonitService, Program } from './monitrc.ts';

export interface BpmTarget {
  job: string;
  process: string;
}

function bpmCall(
  root: RootPaths,
  program: Program | undefined,
  verb: 'start' | 'stop',
): BpmTarget | undefined {
  if (program === undefined) return undefined;
  const [bin, v, job, flag, proc, ...rest] = program.argv;
  if (bin !== root.external('jobs', 'bpm', 'bin', 'bpm') || v !== verb || job === undefined) return undefined;
  if (rest.length > 0 || job.startsWith('-')) return undefined;
  if (flag === undefined) return { job, process: job };
  if ((flag === '-p' || flag === '--process') && proc !== undefined && !proc.startsWith('-'))
    return { job, process: proc };
  return undefined;
}

/** The bpm process a service runs, when both its programs are plain bpm calls for the same one. */
export function bpmTarget(root: RootPaths, service: MonitService): BpmTarget | undefined {
  const start = bpmCall(root, service.start, 'start');
  const stop = bpmCall(root, service.stop, 'stop');
  if (start === undefined || stop === undefined) return undefined;
  if (start.job !== stop.job || start.process !== stop.process) return undefined;
  if (service.start?.uid !== undefined || service.start?.gid !== undefined) return undefined;
  return start;
}
