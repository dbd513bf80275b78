// depends_on under `bpm supervise` with real runc: a process starts once each dependency is ready
// (running, without a readiness probe); SIGTERM stops dependents first, each dependency once
// everything depending on it is down, in parallel where the graph allows; a cycle or a missing
// dependency leaves the processes out with one line each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../../helpers/bosh-root.ts';
import { processEvents as events, supervisorLog } from '../../helpers/supervisor-log.ts';

const skip = skipReason();
// Takes a moment to stop, so that an order of stops shows in the log's timestamps.
const SLOW_STOP = "#!/bin/sh\ntrap 'sleep 0.3; exit 0' TERM\nwhile :; do sleep 0.05; done\n";

/** The time of a process's first EVENT line (ms since the epoch). */
function at(r: BoshRoot, job: string, event: string, proc = job): number {
  const line = events(r, job, event).find((l) => l.data['process'] === proc);
  assert.ok(line, `${job}/${proc}: no ${event}`);
  return Date.parse(line.timestamp);
}

describe('bpm supervise: depends_on', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('starts in dependency order and stops in reverse, in parallel where the graph allows', async () => {
    const db = r.uniqueJob('db');
    const web = r.uniqueJob('web');
    const side = r.uniqueJob('side');
    r.addJob(db, { processes: [{ name: db, executable: r.jobBin(db, 'run') }] }, { run: SLOW_STOP });
    // web: process `app` after db, process `web` after app (same job) — a chain of three.
    r.addJob(
      web,
      {
        processes: [
          { name: web, executable: r.jobBin(web, 'run'), depends_on: ['app'] },
          { name: 'app', executable: r.jobBin(web, 'run'), depends_on: [`${db}/${db}`] },
        ],
      },
      { run: SLOW_STOP },
    );
    // side depends on db only: it starts beside app and stops beside web.
    r.addJob(
      side,
      { processes: [{ name: side, executable: r.jobBin(side, 'run'), depends_on: [`${db}/${db}`] }] },
      { run: SLOW_STOP },
    );
    const sup = r.spawnBpm(['supervise', '--job', web, '--job', side, '--job', db]);
    assert.ok(
      await eventually(() => supervisorLog(r).some((l) => l.message === 'bpm.supervise.supervising'), 30_000),
      'all started',
    );
    assert.ok(at(r, db, 'started') <= at(r, web, 'starting', 'app'), 'app starts after db runs');
    assert.ok(at(r, web, 'started', 'app') <= at(r, web, 'starting'), 'web starts after app runs');
    assert.ok(at(r, db, 'started') <= at(r, side, 'starting'), 'side starts after db runs');
    assert.equal(events(r, web, 'waiting-for-dependencies').length >= 1, true);

    sup.child.kill('SIGTERM');
    const done = await sup.done;
    assert.equal(done.code, 0, done.stderr);
    for (const [job, proc] of [
      [db, db],
      [web, web],
      [web, 'app'],
      [side, side],
    ] as const) {
      assert.equal(r.containerState(job, proc), undefined, `${job}/${proc} stopped`);
    }
    assert.ok(at(r, web, 'stopped') <= at(r, web, 'stopping', 'app'), 'web is down before app stops');
    assert.ok(at(r, web, 'stopped', 'app') <= at(r, db, 'stopping'), 'app is down before db stops');
    assert.ok(at(r, side, 'stopped') <= at(r, db, 'stopping'), 'side is down before db stops');
    // side has nothing depending on it: it stops at once, beside web, not after the chain.
    assert.ok(at(r, side, 'stopping') < at(r, web, 'stopped'), 'side and web stop in parallel');
    const complete = supervisorLog(r).find((l) => l.message === 'bpm.supervise.complete');
    assert.ok(complete, 'complete is logged');
  });

  test('a cycle and a dependency on something not supervised: one line each, the rest runs', async () => {
    const loop = r.uniqueJob('loop');
    const lost = r.uniqueJob('lost');
    const fine = r.uniqueJob('fine');
    r.addJob(
      loop,
      {
        processes: [
          { name: 'a', executable: r.jobBin(loop, 'run'), depends_on: ['b'] },
          { name: 'b', executable: r.jobBin(loop, 'run'), depends_on: ['a'] },
        ],
      },
      { run: SLOW_STOP },
    );
    r.addJob(
      lost,
      { processes: [{ name: lost, executable: r.jobBin(lost, 'run'), depends_on: ['elsewhere/db'] }] },
      { run: SLOW_STOP },
    );
    r.addJob(fine, { processes: [{ name: fine, executable: r.jobBin(fine, 'run') }] }, { run: SLOW_STOP });
    const sup = r.spawnBpm(['supervise', '--job', loop, '--job', lost, '--job', fine]);
    assert.ok(await eventually(() => events(r, fine, 'started').length === 1, 20_000), 'fine started');
    const errors = supervisorLog(r).filter((l) => l.message === 'bpm.supervise.process-not-supervised');
    const reasons = Object.fromEntries(
      errors.map((l) => [`${l.data['job']}/${l.data['process']}`, l.data['reason']]),
    );
    assert.deepEqual(reasons, {
      [`${loop}/a`]: `depends_on cycle: ${loop}/a -> ${loop}/b -> ${loop}/a`,
      [`${loop}/b`]: `depends_on cycle: ${loop}/a -> ${loop}/b -> ${loop}/a`,
      [`${lost}/${lost}`]: 'depends_on elsewhere/db, which is not supervised (no such process)',
    });
    assert.equal(r.containerState(loop, 'a'), undefined);
    assert.equal(r.containerState(lost), undefined);
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });
});
