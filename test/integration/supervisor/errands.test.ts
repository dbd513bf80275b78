// `bpm supervise` beside errands, with real runc (docs/supervisor.md, "Errand-only jobs" and
// "Containers a `bpm run` runs"): plain mode leaves an errand-only job alone — not started, its
// `bpm run`'s container neither adopted nor swept — while `--job` supervises it, and an operator's
// `bpm stop` through the control socket asks the errand's `bpm run` to stop instead of waiting
// until the errand ends.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, within } from '../../helpers/bosh-root.ts';
import { processEvents as events, supervisorLog } from '../../helpers/supervisor-log.ts';
import { addErrand, runErrand } from './errand-support.ts';

const skip = skipReason();

describe('bpm supervise: errands', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  const lines = (message: string, job: string) =>
    supervisorLog(r).filter((l) => l.message === `bpm.supervise.${message}` && l.data['job'] === job);
  const rule = (job: string) =>
    `errand-only job: jobs/${job}/bin/run exists and its monit file has no check entry`;

  test('plain mode: an errand-only job is not started, its bpm run is left alone; a colocated errand stays supervised', async () => {
    const [running, idle, web] = ['smoke', 'idle', 'web'].map((j) => r.uniqueJob(j)) as [
      string,
      string,
      string,
    ];
    const errand = await runErrand(r, running, true);
    addErrand(r, idle, true);
    addErrand(r, web); // bin/run too, and a service:
    writeFileSync(join(r.root, 'jobs', web, 'monit'), `check process ${web}\n  group vcap\n`);
    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(await eventually(() => events(r, web, 'started').length === 1, 30_000), 'web started');
      for (const job of [running, idle]) {
        assert.deepEqual(
          lines('not-supervised', job).map((l) => l.data['reason']),
          [rule(job)],
        );
        assert.deepEqual(
          supervisorLog(r).filter((l) => l.data['job'] === job && l.message.includes('.process.')),
          [],
          'no start, no adoption',
        );
      }
      assert.equal(r.containerState(idle), undefined, 'not started');
      assert.equal(r.containerState(running)?.pid, errand.initPid, 'the errand runs on');
      assert.deepEqual(
        lines('not-swept', running).map((l) => l.data['reason']),
        [`${rule(running)} (not-supervised)`],
      );
      const status = JSON.parse((await r.bpm('status', running, '--json')).stdout).processes[0];
      assert.equal(status.supervisor, undefined, 'bpm status: not supervised');

      // The errand ends: nothing restarts it, and a reload logs the rule again.
      assert.equal((await errand.stop()).code, 143);
      const reloaded = await r.bpm('reload');
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.equal(lines('not-supervised', running).length, 2);
      assert.equal(lines('not-supervised', idle).length, 2);
      assert.equal(r.containerState(running), undefined);
      assert.equal(r.containerState(idle), undefined);
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
  });

  test('--job names an errand-only job: supervised, and bpm stop asks its bpm run to stop', async () => {
    const job = r.uniqueJob('smoke');
    const errand = await runErrand(r, job, true);
    const sup = r.spawnBpm(['supervise', '--job', job]);
    try {
      assert.ok(await eventually(() => events(r, job, 'adopted').length === 1, 30_000), 'adopted');
      // The run holds the lifecycle lock until its process ends (sleep 1000): without the ask this
      // stop would wait that long.
      const stopped = await within(r.bpm('stop', job), scaledMs(30_000));
      assert.ok(stopped !== undefined, 'bpm stop came back while the errand had 1000 s to go');
      assert.equal(stopped.code, 0, stopped.stderr);
      assert.deepEqual(
        events(r, job, 'asked-bpm-run-to-stop').map((l) => l.data['pid']),
        [String(errand.runPid)],
      );
      assert.equal((await errand.stop()).code, 143, 'the run stopped its process by its shutdown path');
      assert.equal(r.containerState(job), undefined);
      const status = JSON.parse((await r.bpm('status', job, '--json')).stdout).processes[0].supervisor;
      assert.deepEqual([status.desired, status.state], ['stopped', 'stopped']);
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
  });
});
