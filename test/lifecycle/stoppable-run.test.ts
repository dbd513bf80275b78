// A `bpm run` whose operation aborts (SIGTERM/SIGINT to bpm; docs/behaviour/policy.md fix #13)
// stops its container with stop's escalation, through the fake runc's foreground run, in virtual
// time. Real runc: test/integration/run-stop.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { ProbeConfig } from '../../src/config/supervision.ts';
import { ExitStatusError } from '../../src/errors.ts';
import { runProcess } from '../../src/lifecycle/run.ts';
import { askRunOwnerToStop } from '../../src/lifecycle/run-owner.ts';
import type { RunEvents } from '../../src/lifecycle/stoppable-run.ts';
import type { KillSignal } from '../../src/runc/client.ts';
import type { Reaction } from './fakes/processes.ts';
import { eachWorld, setupEvents, type World, webJob } from './fakes/world.ts';

const STOP = [
  'bpm.run.stop-process.starting',
  'bpm.run.stop-process.complete',
  // the run-process session ends after the stop, once runc is done
  'bpm.run.run-process.complete',
];

describe('runProcess stopped by its operation', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const ref = () => w.ref('web');
  let readies = 0;
  const run = (events: RunEvents = {}) => {
    readies = 0;
    return runProcess(ref(), w.logger('run', ref()), w.op, {
      volumes: [],
      env: [],
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      events: { ready: () => readies++, ...events },
    });
  };

  /** The container runs until a signal; the operation aborts `afterMs` into the run. */
  function runningUntil(reactions: Partial<Record<KillSignal, Reaction>>, afterMs = 1_000) {
    w.runc.foregroundReactions = reactions;
    void w.clock.sleep(afterMs).then(() => w.abort.abort('SIGTERM'));
  }

  /** [message, exit code] of the run's ExitStatusError, or [undefined, 0] for success. */
  async function outcome(p: Promise<number>): Promise<[string | undefined, number]> {
    try {
      return [undefined, await p];
    } catch (err) {
      assert.ok(err instanceof ExitStatusError, String(err));
      return [err.message, err.exitCode];
    }
  }

  const init = () => {
    const c = [...w.runc.containers.values()][0];
    return c?.init;
  };

  test('TERM ends it: exit 143 as tini reports it, the stop logged, the container gone', async () => {
    runningUntil({ TERM: 'exit' });
    const ran = run();
    await w.clock.sleep(10);
    const p = init();
    assert.deepEqual(await outcome(ran), [
      'failed to run job-process: exit status 143 (exit status 143)',
      143,
    ]);
    assert.deepEqual(p?.received, ['TERM']);
    assert.equal(w.clock.elapsed(), 1_000);
    assert.equal(readies, 1);
    assert.deepEqual(w.events(), [
      'bpm.run.starting',
      ...setupEvents('run').slice(0, -1),
      ...STOP,
      'bpm.run.failed!',
    ]);
    assert.equal(w.runc.containers.size, 0);
    assert.deepEqual(w.runc.calls, ['run bpm-web'], 'no runc spawned for the stop itself');
    assert.equal(w.clock.pending(), 0, 'no timer outlives the run');
  });

  test('shutdown_signal INT is what it gets', async () => {
    w.addJob('web', webJob('  shutdown_signal: INT\n'));
    runningUntil({ INT: 'exit' });
    const ran = run();
    await w.clock.sleep(10);
    const p = init();
    assert.deepEqual(await outcome(ran), [
      'failed to run job-process: exit status 130 (exit status 130)',
      130,
    ]);
    assert.deepEqual(p?.received, ['INT']);
  });

  test('TERM and QUIT ignored: QUIT after shutdown_timeout, 2 s later runc kill KILL; exit 137', async () => {
    w.addJob('web', webJob('  shutdown_timeout: 3s\n'));
    runningUntil({ TERM: 'ignore', QUIT: 'ignore' });
    const ran = run();
    await w.clock.sleep(10);
    const p = init();
    assert.deepEqual(await outcome(ran), [
      'failed to run job-process: exit status 137 (exit status 137)',
      137,
    ]);
    assert.deepEqual(p?.received, ['TERM', 'QUIT', 'KILL']);
    assert.equal(w.clock.elapsed(), 1_000 + 3_000 + 2_000);
    assert.deepEqual(w.runc.calls, ['run bpm-web', 'kill bpm-web KILL']);
    assert.ok(w.events().includes('bpm.run.stop-process.failed-to-stop!'));
    assert.ok(w.events().includes('bpm.run.stop-process.killing-container'));
  });

  test('a process that exits 0 on TERM: the run succeeds, 0', async () => {
    runningUntil({ TERM: { exitAfterMs: 500 } });
    w.runc.foregroundCode = 0;
    assert.deepEqual(await outcome(run()), [undefined, 0]);
    assert.equal(w.clock.elapsed(), 1_500);
  });

  test('aborted during the set-up: nothing is started, the run fails, no READY', async () => {
    w.abort.abort('SIGTERM');
    w.runc.foregroundReactions = {};
    await assert.rejects(run(), /operation cancelled/);
    assert.deepEqual(w.runc.calls, []);
    assert.equal(readies, 0);
  });

  test('the running run is recorded for `bpm stop`, which SIGTERMs that bpm; the record goes with the run', async () => {
    runningUntil({ TERM: 'exit' });
    const ran = run();
    await w.clock.sleep(10);
    const file = join(ref().paths.bundle('web'), 'bpm-run.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), w.host.self());
    assert.equal(await askRunOwnerToStop(ref(), w.host), w.host.self().pid);
    assert.deepEqual(w.host.selfProcess?.received, ['TERM']);
    await outcome(ran);
    assert.equal(existsSync(file), false);
    assert.equal(await askRunOwnerToStop(ref(), w.host), undefined, 'no record, nothing signalled');
  });

  test('a record of a run that is gone signals nothing', async () => {
    runningUntil({ TERM: 'exit' });
    const ran = run();
    await w.clock.sleep(10);
    w.host.selfProcess && w.procs.signal(w.host.selfProcess, 'KILL');
    assert.equal(await askRunOwnerToStop(ref(), w.host), undefined);
    await outcome(ran);
  });

  describe('with a readiness probe', () => {
    const PROBE = '  readiness:\n    http: {port: 8080, path: /up}\n    period: 2s\n';
    /** A readiness wait that passes `passAfterMs` after it began (never when undefined). */
    function probing(passAfterMs: number | undefined) {
      const asked: { probe: ProbeConfig; cid: string; at: number; ended?: number }[] = [];
      const readiness: RunEvents['readiness'] = (probe, cid, until) => {
        const call: (typeof asked)[number] = { probe, cid, at: w.clock.elapsed() };
        asked.push(call);
        until.addEventListener('abort', () => {
          call.ended = w.clock.elapsed();
        });
        if (passAfterMs === undefined)
          return new Promise((resolve) => until.addEventListener('abort', () => resolve(false)));
        return w.clock.sleep(passAfterMs).then(() => !until.aborted);
      };
      return { asked, readiness };
    }

    test('READY only once the probe passed: the wait gets the probe and the container id once it runs', async () => {
      w.addJob('web', webJob(PROBE));
      runningUntil({ TERM: 'exit' }, 5_000);
      const { asked, readiness } = probing(3_000);
      const ran = run({ readiness });
      await w.clock.sleep(2_900);
      assert.equal(readies, 0, 'not ready before the pass');
      await w.clock.sleep(200);
      assert.equal(readies, 1);
      assert.equal(asked.length, 1);
      assert.equal(asked[0]?.cid, 'bpm-web');
      assert.deepEqual(asked[0]?.probe.check, { kind: 'http', port: 8080, path: '/up' });
      assert.equal(asked[0]?.probe.periodMs, 2_000);
      await outcome(ran);
      assert.equal(readies, 1);
    });

    test('a probe that never passes: no READY; the stop ends the wait at once and stops the process as always', async () => {
      w.addJob('web', webJob(PROBE));
      runningUntil({ TERM: 'exit' }, 4_000);
      const { asked, readiness } = probing(undefined);
      assert.deepEqual(await outcome(run({ readiness })), [
        'failed to run job-process: exit status 143 (exit status 143)',
        143,
      ]);
      assert.equal(readies, 0);
      assert.equal(asked[0]?.ended, 4_000, 'the wait ended when the stop was asked for');
      assert.ok(w.events().includes('bpm.run.stop-process.complete'));
      assert.equal(w.clock.pending(), 0, 'no timer outlives the run');
    });

    test('no readiness wait given (nobody listens): ready once it runs, probe or not', async () => {
      w.addJob('web', webJob(PROBE));
      runningUntil({ TERM: 'exit' });
      const ran = run();
      await w.clock.sleep(10);
      assert.equal(readies, 1);
      await outcome(ran);
    });

    test('a process without a probe is never handed to the wait', async () => {
      runningUntil({ TERM: 'exit' });
      const { asked, readiness } = probing(0);
      const ran = run({ readiness });
      await w.clock.sleep(10);
      assert.equal(readies, 1);
      assert.equal(asked.length, 0);
      await outcome(ran);
    });
  });
});
