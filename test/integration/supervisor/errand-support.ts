// What the tests of a supervisor beside an errand share (reload.test.ts, sweep.test.ts): a job
// run with `bpm run` as an errand is, and its end.
import assert from 'node:assert/strict';
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

/** `bpm run JOB` of a one-process job JOB, once its process runs. */
export async function runErrand(r: BoshRoot, job: string): Promise<Errand> {
  r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: ERRAND });
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
