// SupervisedProcess's decisions through its ports (src/supervisor/process-port.ts), with the fakes
// of test/supervisor/fakes/: adoption, the restart policies and the back-off schedule, stops in
// every state, the probes' effect, the failed state, and cancelled lock waits. Virtual time: a
// 5-minute back-off passes in microseconds. The real-runc counterparts are in
// test/integration/supervisor/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import type { ProbeConfig, RestartConfig } from '../../src/config/supervision.ts';
import type { ProcessConfig } from '../../src/config/types.ts';
import { processRef } from '../../src/lifecycle/process-ref.ts';
import { SupervisedProcess } from '../../src/supervisor/supervised-process.ts';
import { type FakeSupervisor, fakeSupervisor, settle, TERMINATED } from './fakes/ports.ts';

const SECOND = 1000;
const RESTART: RestartConfig = {
  policy: 'always',
  initialDelayMs: 10 * SECOND,
  maxDelayMs: 40 * SECOND,
  resetAfterMs: 60 * SECOND,
};
const PROBE = { check: { kind: 'tcp', port: 8080 } } as unknown as ProbeConfig;

function config(extra: Partial<ProcessConfig> = {}): ProcessConfig {
  return { name: 'web', executable: '/bin/web', restart: RESTART, ...extra } as ProcessConfig;
}

function make(f: FakeSupervisor, extra: Partial<ProcessConfig> = {}, job = 'web'): SupervisedProcess {
  const ref = processRef(new RootPaths('/nonexistent-bosh-root'), job, extra.name ?? 'web');
  return new SupervisedProcess(ref, config(extra), { ports: f.ports, watcher: f.watcher, log: f.logger });
}

const crash = { code: 3, signal: null };
const clean = { code: 0, signal: null };

/** Started, crashed, restarted at once, crashed again: in back-off, the restart 10 s away. */
async function crashedTwice(f: FakeSupervisor): Promise<SupervisedProcess> {
  const p = make(f);
  await p.up();
  f.process.exit(crash);
  await f.clock.advance(0);
  f.process.exit(crash);
  return p;
}

describe('SupervisedProcess', () => {
  test('adopts a running container: watched, ready, never started', async () => {
    const f = fakeSupervisor();
    const init = f.process.running();
    const p = make(f);
    await p.up();
    assert.deepEqual(f.process.calls, []);
    assert.equal(p.snapshot().actual, 'ready');
    assert.equal(p.snapshot().pid, init.pid);
    assert.ok(f.watcher.watched.has(init.fd), 'its pidfd is watched');
    assert.deepEqual(f.log.events(), ['adopted']);
  });

  test('a container of another process is not adopted, and not watched', async () => {
    const f = fakeSupervisor();
    f.process.running();
    f.process.container!.foreign = true;
    f.process.starts.push('fails');
    const p = make(f);
    await p.up();
    assert.equal(f.log.events()[0], 'not-own-container');
    assert.equal(f.watcher.watched.size, 0);
  });

  test('start → ready → exit → restarted at once, then initial_delay, doubling to max_delay', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    assert.deepEqual(f.process.calls, ['start']);
    assert.equal(p.snapshot().actual, 'ready');
    assert.deepEqual(f.log.events(), ['starting', 'started']);

    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      f.process.exit(crash);
      assert.equal(p.snapshot().actual, 'backoff');
      const [delay] = f.clock.pending();
      assert.ok(delay !== undefined);
      delays.push(delay);
      assert.equal(p.snapshot().nextRestartAt, f.clock.now() + delay);
      await f.clock.advance(delay);
      assert.equal(p.snapshot().actual, 'ready', `restarted after ${delay} ms`);
    }
    assert.deepEqual(delays, [0, 10 * SECOND, 20 * SECOND, 40 * SECOND, 40 * SECOND]);
    assert.equal(p.snapshot().restarts, 5);
    assert.equal(f.process.calls.filter((c) => c === 'start').length, 6);
    assert.deepEqual(
      f.process.lastExits.map((e) => [e.code, e.signal, e.seenBy]),
      Array(5).fill([3, null, 'supervise']),
    );
  });

  test('a run of reset_after ends the streak: the next crash restarts at once again', async () => {
    const f = fakeSupervisor();
    await crashedTwice(f);
    assert.deepEqual(f.clock.pending(), [10 * SECOND]);
    await f.clock.advance(10 * SECOND);
    await f.clock.advance(60 * SECOND - 1);
    f.process.exit(crash);
    assert.deepEqual(f.clock.pending(), [20 * SECOND], 'a run just short of reset_after');
    await f.clock.advance(20 * SECOND);
    await f.clock.advance(60 * SECOND);
    f.process.exit(crash);
    assert.deepEqual(f.clock.pending(), [0], 'a healthy run resets the streak');
  });

  test('an operator start resets the back-off', async () => {
    const f = fakeSupervisor();
    const p = await crashedTwice(f);
    assert.deepEqual(f.clock.pending(), [10 * SECOND]);
    await p.up();
    assert.deepEqual(f.clock.pending(), [10 * SECOND], 'up() while in back-off leaves the timer');
    await f.clock.advance(10 * SECOND);
    f.process.exit(crash);
    assert.deepEqual(f.clock.pending(), [0]);
  });

  for (const [policy, end, restarted, state] of [
    ['always', clean, true, 'backoff'],
    ['always', crash, true, 'backoff'],
    ['on-failure', clean, false, 'stopped'],
    ['on-failure', crash, true, 'backoff'],
    ['on-failure', { code: null, signal: 'SIGKILL' }, true, 'backoff'],
    ['never', crash, false, 'failed'],
    ['never', clean, false, 'stopped'],
  ] as const) {
    test(`policy ${policy}, exit ${end.code ?? end.signal}: ${restarted ? 'restarted' : `kept down (${state})`}`, async () => {
      const f = fakeSupervisor();
      const p = make(f, { restart: { ...RESTART, policy } });
      await p.up();
      f.process.exit(end);
      assert.equal(p.snapshot().actual, state);
      assert.equal(f.log.events().at(-1), restarted ? 'restart-planned' : 'not-restarting');
      assert.equal(p.snapshot().desired, 'running', 'the desired state stays running');
      await f.clock.advance(0);
      assert.equal(f.process.calls.filter((c) => c === 'start').length, restarted ? 2 : 1);
    });
  }

  test('an unknown end (an adopted init) counts as a failure for on-failure', async () => {
    const f = fakeSupervisor();
    f.process.running();
    const p = make(f, { restart: { ...RESTART, policy: 'on-failure' } });
    await p.up();
    f.process.exit(undefined as never);
    assert.equal(p.snapshot().actual, 'backoff');
    assert.deepEqual([f.process.lastExits[0]?.code, f.process.lastExits[0]?.signal], [null, null]);
  });

  test('a failing start is a crash: back-off, then started again', async () => {
    const f = fakeSupervisor();
    f.process.starts.push('fails', 'fails');
    const p = make(f);
    await p.up();
    assert.equal(p.snapshot().actual, 'backoff');
    assert.deepEqual(f.log.events().slice(0, 3), ['starting', 'failed-to-start', 'restart-planned']);
    await f.clock.advance(0);
    assert.equal(p.snapshot().actual, 'backoff');
    assert.deepEqual(f.clock.pending(), [10 * SECOND]);
    await f.clock.advance(10 * SECOND);
    assert.equal(p.snapshot().actual, 'ready');
  });

  test('an init that exits at once keeps the status the start reaped', async () => {
    const f = fakeSupervisor();
    f.process.starts.push({ exitsAtOnce: { code: 7, signal: null } });
    const p = make(f, { restart: { ...RESTART, policy: 'never' } });
    await p.up();
    assert.equal(p.snapshot().actual, 'failed');
    assert.equal(f.process.lastExits[0]?.code, 7);
  });

  test('never started: down() is stopped at once, with no lifecycle call', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.down();
    assert.equal(p.snapshot().actual, 'stopped');
    assert.deepEqual(f.process.calls, []);
    assert.deepEqual(f.log.events(), []);
  });

  test('retire after a stop: nothing to stop, the bundle the stop kept is removed', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    await p.down();
    assert.equal(f.process.bundleRemovals, 0);
    await p.retire();
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release']);
    assert.equal(f.process.bundleRemovals, 1);
  });

  test('retire: the stop of a process no longer supervised removes its bundle too', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    await p.retire();
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release']);
    assert.equal(f.process.bundleRemovals, 1);
    assert.equal(p.snapshot().actual, 'stopped');
  });

  test('stop while running: unwatched first, the lifecycle stop, reaped, no restart', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    const { pid } = p.snapshot();
    await p.down();
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release']);
    assert.deepEqual(f.process.released, [pid]);
    assert.equal(f.watcher.watched.size, 0);
    assert.equal(p.snapshot().actual, 'stopped');
    assert.equal(p.snapshot().desired, 'stopped');
    assert.deepEqual(f.log.events(), ['starting', 'started', 'stopping', 'stopped']);
    assert.equal(f.process.bundleRemovals, 0, 'its bundle stays for the next start');
    await f.clock.advance(600 * SECOND);
    assert.equal(f.process.calls.filter((c) => c === 'start').length, 1, 'no restart');
    assert.equal(f.process.lastExits.length, 0, 'a stop is no crash');
  });

  test('stop in back-off: the planned restart is cancelled, the exited container cleared', async () => {
    const f = fakeSupervisor();
    const p = await crashedTwice(f);
    assert.equal(p.snapshot().actual, 'backoff');
    await p.down();
    assert.deepEqual(f.process.calls.slice(-1), ['clear'], 'no stop signal: only the removal');
    assert.deepEqual(f.clock.pending(), []);
    assert.equal(p.snapshot().nextRestartAt, undefined);
    assert.equal(p.snapshot().actual, 'stopped');
    await f.clock.advance(600 * SECOND);
    assert.equal(f.process.calls.filter((c) => c === 'start').length, 2);
  });

  test('stop while starting (waiting for a dependency): the start never happens', async () => {
    const f = fakeSupervisor();
    const db = make(f, { name: 'db' });
    const web = make(f);
    web.dependOn([db]);
    const up = web.up();
    await settle();
    assert.equal(web.snapshot().actual, 'starting');
    assert.deepEqual(f.log.events(), ['waiting-for-dependencies']);
    await web.down();
    await up;
    assert.deepEqual(f.process.calls, []);
    assert.equal(web.snapshot().actual, 'stopped');
  });

  test('a dependent starts once its dependency is ready, not before', async () => {
    // One fake world per process: the fake port holds one container.
    const dbWorld = fakeSupervisor();
    const f = fakeSupervisor();
    const db = make(dbWorld, { name: 'db', readiness: PROBE });
    const web = make(f);
    web.dependOn([db]);
    await db.up();
    const up = web.up();
    await settle();
    assert.equal(db.snapshot().actual, 'running');
    assert.equal(web.snapshot().actual, 'starting');
    assert.deepEqual(f.process.calls, []);
    dbWorld.probes[0]!.listener!.readinessChanged('passing');
    await up;
    assert.deepEqual(f.process.calls, ['start']);
    assert.equal(web.snapshot().actual, 'ready');
  });

  test('stop while starting (waiting for the lifecycle lock a CLI holds): the wait ends at once', async () => {
    const f = fakeSupervisor();
    const release = f.process.holdLock();
    const p = make(f);
    const up = p.up();
    await settle();
    assert.equal(p.snapshot().actual, 'starting');
    const down = p.down();
    await up;
    await down;
    assert.equal(p.snapshot().actual, 'stopped');
    assert.deepEqual(f.process.calls, ['start']);
    assert.equal(f.process.lastExits.length, 0, 'a cancelled start is no crash');
    assert.deepEqual(f.clock.pending(), [], 'and plans no restart');
    release();
  });

  test("an operator's stop of a container a bpm run runs asks that run to stop first, then takes the lock", async () => {
    const f = fakeSupervisor();
    f.process.running();
    const p = make(f);
    await p.up(); // adopted: the errand's container
    f.process.runner = 4242;
    f.process.onRunAsked = f.process.holdLock(); // the run holds the lock until it has stopped
    await p.down('by-operator');
    assert.deepEqual(f.process.calls, ['ask-run', 'stop', 'release']);
    assert.deepEqual(f.log.events(), ['adopted', 'stopping', 'asked-bpm-run-to-stop', 'stopped']);
    assert.equal(f.log.lines[2]?.data['pid'], '4242');
    assert.equal(p.snapshot().actual, 'stopped');
  });

  test("an operator's restart asks the run too; a stop the supervisor decides (shutdown, reload) does not", async () => {
    const f = fakeSupervisor();
    f.process.running();
    const p = make(f);
    await p.up();
    f.process.runner = 4242;
    await p.down();
    assert.ok(
      !f.process.calls.includes('ask-run'),
      'not asked: such a stop leaves the run alone (Supervision)',
    );
    f.process.running();
    await p.up(); // adopted again
    f.process.runner = 4243;
    const before = f.process.calls.length;
    await p.restart();
    assert.deepEqual(f.process.calls.slice(before), ['ask-run', 'stop', 'release', 'start']);
  });

  test("the supervisor's signal ends a start's wait for the lock; no crash, no restart", async () => {
    const f = fakeSupervisor();
    f.process.holdLock();
    const p = make(f);
    const up = p.up();
    await settle();
    f.cancel.abort();
    await up;
    assert.deepEqual(f.log.events(), ['starting', 'failed-to-start']);
    assert.deepEqual(f.clock.pending(), []);
    assert.equal(f.process.lastExits.length, 0);
  });

  test("the supervisor's signal reaches the stop's wait for the lock", async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    f.process.holdLock();
    const down = p.down();
    await settle();
    f.cancel.abort();
    await down;
    assert.deepEqual(f.log.events().slice(-2), ['failed-to-stop', 'stopped']);
  });

  test('readiness: running until the probe passes, ready, back to running when it fails', async () => {
    const f = fakeSupervisor();
    const p = make(f, { readiness: PROBE });
    await p.up();
    assert.equal(p.snapshot().actual, 'running');
    assert.equal(p.isReady, false);
    const ready = p.whenReady();
    f.probes[0]!.listener!.readinessChanged('passing');
    assert.equal(await ready, true);
    assert.equal(p.snapshot().actual, 'ready');
    f.probes[0]!.listener!.readinessChanged('failing');
    assert.equal(p.snapshot().actual, 'running');
    f.process.exit(crash);
    assert.equal(f.probes[0]!.listener, undefined, 'the probes stop when it exits');
    await f.clock.advance(0);
    assert.equal(p.snapshot().actual, 'running', 'each run starts not ready');
    assert.equal(f.probes[0]!.starts, 2);
  });

  test('a liveness failure restarts through the normal stop, as a failure', async () => {
    const f = fakeSupervisor();
    const p = make(f, { liveness: PROBE, restart: { ...RESTART, policy: 'on-failure' } });
    await p.up();
    f.probes[0]!.listener!.livenessFailed('connection refused');
    await settle();
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release']);
    assert.equal(f.process.lastExits[0]?.code, TERMINATED.code);
    assert.equal(p.snapshot().actual, 'backoff', 'on-failure restarts it: a liveness failure is a failure');
    await f.clock.advance(0);
    assert.deepEqual(f.process.calls.slice(-1), ['start']);
    assert.equal(p.snapshot().actual, 'ready');
    const planned = f.log.lines.find((l) => l.message.endsWith('restart-planned'));
    assert.equal(planned?.data['exit'], 'exited 143');
  });

  test('detach forgets the process: unwatched, no restart, nothing stopped', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    p.detach();
    assert.equal(f.watcher.watched.size, 0);
    assert.deepEqual(f.process.calls, ['start', 'release']);
    await f.clock.advance(600 * SECOND);
    assert.deepEqual(f.process.calls, ['start', 'release']);
  });

  test('restart(): a stop then a start, the back-off reset', async () => {
    const f = fakeSupervisor();
    const p = make(f);
    await p.up();
    const first = p.snapshot().pid;
    await p.restart();
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release', 'start']);
    assert.notEqual(p.snapshot().pid, first);
    assert.equal(p.snapshot().actual, 'ready');
  });
});
