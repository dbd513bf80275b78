// Reading `bpm supervise`'s own log (R/sys/log/bpm/supervisor.log, lager JSON lines) in integration tests.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoshRoot } from './bosh-root.ts';

export interface SupervisorLine {
  timestamp: string;
  message: string;
  data: Record<string, string>;
}

export function supervisorLog(r: BoshRoot): SupervisorLine[] {
  const file = join(r.root, 'sys', 'log', 'bpm', 'supervisor.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SupervisorLine);
}

/** The `bpm.supervise.process.EVENT` lines of JOB (and of one probe kind, when given). */
export function processEvents(r: BoshRoot, job: string, event: string, probe?: string): SupervisorLine[] {
  return supervisorLog(r).filter(
    (l) =>
      l.message === `bpm.supervise.process.${event}` &&
      l.data['job'] === job &&
      (probe === undefined || l.data['probe'] === probe),
  );
}
