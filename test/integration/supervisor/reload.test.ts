// Reloading `bpm supervise` (SIGHUP, `bpm reload`) with real runc: every bpm.yml is read again;
// new processes start, removed ones stop, changed ones restart, unchanged ones keep their
// container, and a bpm.yml that no longer loads keeps its old config running.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, within } from '../../helpers/bosh-root.ts';
import { processEvents as events, supervisorLog } from '../../helpers/supervisor-log.ts';
import { runErrand } from './errand-support.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('bpm supervise: reload', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  const job = (name: string, env: Record<string, string> = {}) =>
    r.addJob(name, { processes: [{ name, executable: r.jobBin(name, 'run'), env }] }, { run: SLEEPER });
  const reloads = () => supervisorLog(r).filter((l) => l.message === 'bpm.supervise.reloaded');

  test('SIGHUP and bpm reload converge on the bpm.yml files; a broken one keeps the old config', async () => {
    const [keep, change, gone, broken, fresh] = ['keep', 'change', 'gone', 'broken', 'fresh'].map((p) =>
      r.uniqueJob(p),
    ) as [string, string, string, string, string];
    for (const name of [keep, change, gone, broken]) job(name);
    // No --job: every job with a bpm.yml, looked up again on each reload.
    const sup = r.spawnBpm(['supervise']);
    // A failed assertion must not leave this supervisor running: the next tests' would be refused.
    try {
      assert.ok(
        await eventually(
          () => [keep, change, gone, broken].every((j) => events(r, j, 'started').length === 1),
          30_000,
        ),
        'all started',
      );
      const pids = Object.fromEntries([keep, change, broken].map((j) => [j, r.containerState(j)?.pid]));

      job(change, { COLOUR: 'blue' });
      rmSync(join(r.root, 'jobs', gone), { recursive: true });
      writeFileSync(join(r.root, 'jobs', broken, 'config', 'bpm.yml'), 'processes: [\n');
      job(fresh);
      sup.child.kill('SIGHUP');
      // The reload is logged once its stops are done and its starts asked for: the new process and
      // the changed one's second container start after that, in either order.
      assert.ok(
        await eventually(
          () =>
            reloads().length === 1 &&
            events(r, fresh, 'started').length === 1 &&
            events(r, change, 'started').length === 2,
          30_000,
        ),
      );
      const summary = reloads()[0]!.data;
      assert.equal(summary['started'], `${fresh}/${fresh}`);
      assert.equal(summary['stopped'], `${gone}/${gone}`);
      assert.equal(summary['restarted'], `${change}/${change}`);
      assert.equal(r.containerState(keep)?.pid, pids[keep], 'unchanged: untouched');
      assert.equal(r.containerState(broken)?.pid, pids[broken], 'broken bpm.yml: the old config runs on');
      assert.notEqual(r.containerState(change)?.pid, pids[change], 'changed: restarted');
      assert.equal(r.containerState(change)?.status, 'running');
      assert.equal(r.containerState(gone), undefined, 'removed: stopped');
      assert.equal(existsSync(r.paths.job(gone).bundle(gone)), false, 'and its bundle removed');
      assert.match(
        readFileSync(r.paths.job(change).configJson(change), 'utf8'),
        /COLOUR=blue/,
        'changed: new spec',
      );
      assert.equal(r.containerState(fresh)?.status, 'running', 'new: started');
      const notLoaded = supervisorLog(r).filter(
        (l) => l.message === 'bpm.supervise.job-not-supervised' && l.data['job'] === broken,
      );
      assert.equal(notLoaded.length, 1, 'the broken bpm.yml is logged');

      // bpm reload answers once the reload is applied: here, nothing to do.
      const reloaded = await r.bpm('reload');
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.equal(reloads().length, 2);
      assert.equal(reloads()[1]!.data['restarted'], '');
      assert.equal(r.containerState(keep)?.pid, pids[keep]);
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
    const without = await r.bpm('reload');
    assert.equal(without.code, 1);
    assert.equal(without.stderr, 'Error: no bpm supervise is running for this BOSH root\n');
  });
  test('bpm reload answers once the reload is applied, not once a dependent that waits for a never-ready dependency runs', async () => {
    const [db, web] = [r.uniqueJob('db'), r.uniqueJob('web')] as [string, string];
    // A readiness probe that never passes: nothing listens on port 1.
    const readiness = { tcp: { port: 1 }, period: '200ms', timeout: '1s', failure_threshold: 1 };
    r.addJob(db, { processes: [{ name: db, executable: r.jobBin(db, 'run'), readiness }] }, { run: SLEEPER });
    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(await eventually(() => events(r, db, 'started').length === 1, 30_000), 'db started');
      r.addJob(
        web,
        { processes: [{ name: web, executable: r.jobBin(web, 'run'), depends_on: [`${db}/${db}`] }] },
        { run: SLEEPER },
      );
      const reloaded = await within(r.bpm('reload'), scaledMs(20_000));
      assert.ok(reloaded !== undefined, 'bpm reload came back although web waits for db');
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.equal(reloads().at(-1)?.data['started'], `${web}/${web}`);
      assert.equal(events(r, web, 'waiting-for-dependencies').length, 1);
      const status = JSON.parse((await r.bpm('status', web, '--json')).stdout).processes[0].supervisor;
      assert.deepEqual([status.desired, status.state], ['running', 'starting'], 'recorded, waiting');
      assert.equal(events(r, web, 'started').length, 0);
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
  });
  test("a removed job whose container an errand's bpm run owns is left to that run, and the reload does not wait for it", async () => {
    const errand = r.uniqueJob('errand');
    const run = await runErrand(r, errand);
    const pid = run.initPid;
    const sup = r.spawnBpm(['supervise']);
    try {
      assert.ok(await eventually(() => events(r, errand, 'adopted').length === 1, 30_000), 'adopted');
      rmSync(join(r.root, 'jobs', errand), { recursive: true });
      // The run holds the lifecycle lock until its process ends: a stop would wait that long.
      const reloaded = await within(r.bpm('reload'), scaledMs(15_000));
      assert.ok(reloaded !== undefined, 'bpm reload came back while the errand runs');
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.equal(reloads().at(-1)?.data['stopped'], `${errand}/${errand}`);
      const left = supervisorLog(r).filter((l) => l.message === 'bpm.supervise.left-to-bpm-run');
      assert.deepEqual(
        left.map((l) => [l.data['job'], l.data['pid']]),
        [[errand, String(run.runPid)]],
      );
      assert.equal(r.containerState(errand)?.pid, pid, 'the errand runs on');
    } finally {
      sup.child.kill('SIGTERM');
    }
    assert.equal((await sup.done).code, 0);
    assert.equal(r.containerState(errand)?.pid, pid, 'and outlives the supervisor');
    assert.equal((await run.stop()).code, 143);
    assert.equal(r.containerState(errand), undefined);
  });
});
