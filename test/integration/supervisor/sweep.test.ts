// The start-up sweep of plain `bpm supervise` with real runc (docs/supervisor.md, "Start-up sweep"):
// a bpm container whose job or process the job files no longer name — removed while no supervisor
// ran — is stopped through the lifecycle's stop; a job whose bpm.yml no longer loads keeps its
// container, `--job` sweeps nothing, and a container a live `bpm run` owns is left to that run.
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { BoshRoot, eventually, isAlive, scaledMs, skipReason } from '../../helpers/bosh-root.ts';
import { processEvents as events, supervisorLog } from '../../helpers/supervisor-log.ts';
import { runErrand } from './errand-support.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('bpm supervise: the start-up sweep', { skip }, () => {
  // A root per test: plain `bpm supervise` looks at every job and container of R.
  let r: BoshRoot;
  beforeEach(() => {
    r = BoshRoot.create();
  });
  afterEach(() => r.cleanup());

  const job = (name: string, processes: string[] = [name]) =>
    r.addJob(
      name,
      { processes: processes.map((p) => ({ name: p, executable: r.jobBin(name, 'run') })) },
      { run: SLEEPER },
    );
  const started = async (name: string, proc = name) => {
    const res = await r.bpm('start', name, '-p', proc);
    assert.equal(res.code, 0, res.stderr);
    const pid = r.containerState(name, proc)?.pid;
    assert.ok(pid !== undefined && pid > 0, `${name}/${proc} runs`);
    return pid;
  };
  const lines = (message: string) => supervisorLog(r).filter((l) => l.message === `bpm.supervise.${message}`);
  const supervising = () => lines('supervising').length === 1;

  test('a removed job and a process removed from its bpm.yml are stopped and deleted; the other jobs start', async () => {
    const [gone, two, other] = [r.uniqueJob('gone'), r.uniqueJob('two'), r.uniqueJob('other')] as [
      string,
      string,
      string,
    ];
    job(gone);
    job(two, [two, 'extra']);
    job(other);
    const gonePid = await started(gone);
    const twoPid = await started(two);
    const extraPid = await started(two, 'extra');
    rmSync(join(r.root, 'jobs', gone), { recursive: true });
    job(two); // bpm.yml now names only two/two

    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(await eventually(() => lines('swept').length === 2 && supervising(), 30_000), 'swept both');
      const swept = lines('swept').map((l) => `${l.data['job']}/${l.data['process']}`);
      assert.deepEqual(swept.sort(), [`${gone}/${gone}`, `${two}/extra`].sort());
      assert.equal(r.containerState(gone), undefined, 'the removed job: deleted');
      assert.equal(r.containerState(two, 'extra'), undefined, 'the removed process: deleted');
      assert.equal(isAlive(gonePid), false);
      assert.equal(isAlive(extraPid), false);
      assert.equal(existsSync(r.pidFile(gone)), false, 'its pid file is gone');
      assert.equal(existsSync(r.pidFile(two, 'extra')), false);
      assert.equal(existsSync(r.paths.job(gone).bundle(gone)), false, 'its bundle is gone');
      // The lifecycle's stop under the lifecycle lock, in the job's own bpm.log (as the supervisor's).
      const stop = r.bpmLog(gone).map((l) => l.message);
      const from = stop.indexOf('bpm.supervise.acquiring-lifecycle-lock.starting');
      assert.ok(from > 0, stop.join(' '));
      for (const step of ['forcefully-deleting-container', 'destroying-bundle', 'deleting-pidfile']) {
        assert.ok(stop.indexOf(`bpm.supervise.${step}`) > from, stop.join(' '));
      }
      // What the job files name is adopted or started as always.
      assert.equal(events(r, two, 'adopted').length, 1);
      assert.equal(r.containerState(two)?.pid, twoPid, 'two/two: adopted, not restarted');
      assert.equal(events(r, other, 'started').length, 1);
      assert.equal(r.containerState(other)?.status, 'running');
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
    assert.deepEqual(r.containerIds(), [], 'SIGTERM stops what it supervises');
  });

  test('a job whose bpm.yml no longer loads keeps its container', async () => {
    const broken = r.uniqueJob('broken');
    job(broken);
    const pid = await started(broken);
    writeFileSync(join(r.root, 'jobs', broken, 'config', 'bpm.yml'), 'processes: [\n');
    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(await eventually(() => supervising() && lines('not-swept').length === 1, 30_000));
      const kept = lines('not-swept')[0]!.data;
      assert.equal(kept['job'], broken);
      assert.match(kept['reason'] ?? '', /bpm\.yml of job .* does not load/);
      assert.equal(lines('job-not-supervised').length, 1);
      assert.equal(lines('swept').length, 0);
      assert.equal(r.containerState(broken)?.pid, pid, 'still running, untouched');
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
    assert.equal(r.containerState(broken)?.pid, pid, 'not supervised: not stopped at shutdown either');
  });

  test('--job sweeps nothing: the other jobs are not its own', async () => {
    const [gone, mine] = [r.uniqueJob('gone'), r.uniqueJob('mine')] as [string, string];
    job(gone);
    job(mine);
    const pid = await started(gone);
    rmSync(join(r.root, 'jobs', gone), { recursive: true });
    const sup = r.spawnBpm(['supervise', '--job', mine]);
    try {
      assert.ok(await eventually(supervising, 30_000));
      assert.equal(events(r, mine, 'started').length, 1);
      assert.equal(lines('swept').length + lines('not-swept').length, 0);
      assert.equal(r.containerState(gone)?.pid, pid, 'left running');
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
    assert.equal(r.containerState(gone)?.pid, pid);
  });

  test("an errand's bpm run keeps its container, and the shutdown does not wait for it", async () => {
    const errand = r.uniqueJob('errand');
    const run = await runErrand(r, errand);
    const pid = run.initPid;
    rmSync(join(r.root, 'jobs', errand), { recursive: true });
    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(
        await eventually(() => supervising() && lines('left-to-bpm-run').length === 1, 30_000),
        JSON.stringify(supervisorLog(r)),
      );
      const left = lines('left-to-bpm-run')[0]!.data;
      assert.deepEqual([left['job'], left['process']], [errand, errand]);
      assert.equal(left['pid'], String(run.runPid), 'the bpm run named by its pid');
      assert.equal(lines('swept').length, 0);
      assert.equal(r.containerState(errand)?.pid, pid, 'the errand runs on');
    } finally {
      sup.child.kill('SIGTERM');
    }
    const signalled = performance.now();
    const done = await sup.done;
    const ms = performance.now() - signalled;
    assert.equal(done.code, 0);
    assert.ok(ms < scaledMs(15_000), `the supervisor's shutdown took ${ms} ms`);
    assert.equal(r.containerState(errand)?.pid, pid, 'the errand outlives the supervisor');
    const ran = await run.stop(); // the run stops its own container
    assert.equal(ran.code, 143, ran.stderr);
    assert.equal(r.containerState(errand), undefined);
  });
});
