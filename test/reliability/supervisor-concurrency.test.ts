// `bpm supervise` and a monit-driven `bpm start` of the same process at once. While the supervisor
// is starting, its control socket may not listen yet, so the CLI's start acts itself; both then
// start the process under the same per-process lifecycle lock. Exactly one of them may run it: one
// container, one `runc run` in the job's bpm.log, the supervisor watching that container (adopted
// or started by it), the pid file naming it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason } from '../helpers/bosh-root.ts';
import {
  addSleeperJob,
  escapedProcesses,
  inspectJob,
  inspectRoot,
  Random,
  scaled,
  seed,
  settle,
  supervisorLogCount,
} from './support.ts';

const skip = skipReason();

describe('bpm start racing bpm supervise', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('never both start one process', async (t) => {
    const s = seed();
    t.diagnostic(`seed ${s}`);
    const rnd = new Random(s);
    const trials = scaled(6, 50);
    const failures: string[] = [];
    const ways = { adopted: 0, lockAfter: 0, socket: 0 };
    for (let i = 0; i < trials && failures.length < 5; i++) {
      const job = addSleeperJob(r, 'suprace');
      const before = supervisorLogCount(r, 'bpm.supervise.supervising');
      // The CLI goes first or second by up to ~0.4 s: both orders, and both CLI paths (the
      // supervisor's socket, or no socket yet and the lifecycle lock).
      const offset = scaledMs(rnd.int(-150, 400));
      const later = (ms: number) => new Promise((res) => setTimeout(res, Math.max(0, ms)));
      const cli = later(offset).then(() => r.bpm('start', job));
      await later(-offset);
      const sup = r.spawnBpm(['supervise', '--job', job], { timeoutMs: 300_000 });
      const started = await cli;
      const label = `trial ${i}: bpm start ${offset} ms after bpm supervise`;
      if (!(await eventually(() => supervisorLogCount(r, 'bpm.supervise.supervising') > before, 60_000)))
        failures.push(`${label}: the supervisor did not come up`);
      if (started.code !== 0 || started.stderr !== '')
        failures.push(`${label}: bpm start exit ${started.code}: ${started.stderr.trim()}`);
      const runs = r.bpmLog(job).filter((l) => l.message === 'bpm.start.start-process.running-container');
      if (runs.length !== 1) failures.push(`${label}: ${runs.length} runc runs`);
      const problems = [...inspectJob(r, job, 'running'), ...escapedProcesses(job)];
      if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
      const locked = r
        .bpmLog(job)
        .filter((l) => l.message === 'bpm.start.acquiring-lifecycle-lock.complete').length;
      if (supervisorLogCount(r, 'bpm.supervise.process.adopted', job) === 1) ways.adopted++;
      else if (supervisorLogCount(r, 'bpm.supervise.process.started', job) === 1)
        ways[locked === 2 ? 'lockAfter' : 'socket']++;
      else failures.push(`${label}: the supervisor neither adopted nor started it`);

      sup.child.kill('SIGTERM');
      const done = await sup.done;
      if (done.code !== 0) failures.push(`${label}: supervisor SIGTERM exit ${done.code}: ${done.stderr}`);
      await settle(r, 5000);
      const left = [...inspectJob(r, job, 'stopped'), ...inspectRoot(r)];
      if (left.length > 0) failures.push(`${label}: after SIGTERM: ${left.join('; ')}`);
    }
    // Adopted: the CLI's start ran first (the supervisor found its container). Otherwise the
    // supervisor's start ran first and the CLI took the lock after it and found the process running
    // (two lock holders in bpm.log), or asked the supervisor over the socket (one).
    t.diagnostic(
      `${trials} trials: CLI first, adopted ${ways.adopted}; CLI by the lock after the supervisor ${ways.lockAfter}; CLI through the socket ${ways.socket}`,
    );
    assert.deepEqual(failures, []);
  });
});
