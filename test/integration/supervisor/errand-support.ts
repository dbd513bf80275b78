// What the tests of a supervisor beside an errand share (reload.test.ts, sweep.test.ts,
// errands.test.ts): a job run with `bpm run` as an errand is, and its end.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BoshRoot, type BpmResult, eventually } from '../../helpers/bosh-root.ts';

/** Says when it runs: removing its job directory before the shell has read the script would end it. */
const ERRAND = '#!/bin/sh\necho up\nexec sleep 1000\n';

export interface Errand {
  /** The `bpm run`'s pid (what the supervisor logs as `pid`). */
  runPid: number;
  /** Its container's init. */
  initPid: number;
  /** SIGTERM to the `bpm run`, which stops its container and exits with the process's status. */
  stop(): Promise<BpmResult>;
}

/**
 * A one-process job JOB whose bin/run is the errand. `errandOnly`: with the empty monit file BOSH
 * ships with a job that is only an errand (docs/supervisor.md, "Errand-only jobs").
 */
export function addErrand(r: BoshRoot, job: string, errandOnly = false): void {
  r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: ERRAND });
  if (errandOnly) writeFileSync(join(r.root, 'jobs', job, 'monit'), '');
}

/** `bpm run JOB` of a one-process job JOB (see addErrand), once its process runs. */
export async function runErrand(r: BoshRoot, job: string, errandOnly = false): Promise<Errand> {
  addErrand(r, job, errandOnly);
  const run = r.spawnBpm(['run', job], { timeoutMs: 120_000 });
  const up = () => run.child.exitCode === null && /up/.test(r.readLog(job, `${job}.stdout.log`));
  assert.ok(await eventually(up, 20_000), 'the errand runs');
  const initPid = r.containerState(job)?.pid;
  assert.ok(initPid !== undefined && run.child.pid !== undefined);
  return {
    runPid: run.child.pid,
    initPid,
    stop: () => {
      run.child.kill('SIGTERM');
      return run.done;
    },
  };
}
