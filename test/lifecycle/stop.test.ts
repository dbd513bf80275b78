// stop's decisions (docs/behaviour/commands.md §3) through the lifecycle's ports: an in-memory
// runc, a fake host and a fake clock, so the 20 s and 2 s of the escalation pass in no time and
// are asserted exactly. The real-runc counterpart is test/integration/start-stop.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { BpmError } from '../../src/errors.ts';
import { CancelledError } from '../../src/lifecycle/context.ts';
import { stopProcess } from '../../src/lifecycle/stop.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { eachWorld, removalEvents, type World, webJob } from './fakes/world.ts';

const REMOVED = removalEvents('stop');

describe('stopProcess', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const ref = () => w.ref('web');
  const bundle = () => ref().paths.bundle('web');
  const stop = () => stopProcess(ref(), w.logger('stop', ref()), w.op);

  /** A running container of web/web with a bundle dir and a pid file, as start leaves it. */
  function running(reactions = {}) {
    mkdirSync(bundle(), { recursive: true });
    mkdirSync(ref().paths.pidDir, { recursive: true });
    const c = w.runc.add(ref().cid, bundle(), 'running', reactions);
    writeFileSync(ref().paths.pidFile('web'), String(c.init.pid));
    return c;
  }

  function assertRemoved(): void {
    assert.equal(w.runc.containers.has(ref().cid), false);
    assert.equal(existsSync(bundle()), false);
    assert.equal(existsSync(ref().paths.pidFile('web')), false);
  }

  test("under the lock, the runc client gets the lock's descriptor (ref.lockFd) for its calls", async () => {
    running();
    await stopProcess({ ...ref(), lockFd: 42 }, w.logger('stop', ref()), w.op);
    assert.deepEqual(w.host.runcLockFds, [42]);
    assertRemoved();
  });

  test('graceful: TERM through the verified init, exit at once, then one runc call (delete)', async () => {
    const c = running();
    await stop();
    assert.deepEqual(c.init.received, ['TERM']);
    assert.deepEqual(w.runc.calls, ['delete --force bpm-web']);
    assert.deepEqual(w.events(), ['bpm.stop.starting', ...REMOVED, 'bpm.stop.complete']);
    assert.equal(w.clock.elapsed(), 0);
    assert.equal(w.clock.pending(), 0, 'no timer outlives the stop');
    assert.equal(w.host.openHandles, 0, 'the init handle is closed');
    assertRemoved();
    assert.deepEqual(w.host.stagingClears, ['web/web'], 'the removal clears the staging points');
  });

  test("keepBundles (the supervisor's operations): the container and pid file go, the bundle stays", async () => {
    const c = running();
    await stopProcess(ref(), w.logger('stop', ref()), { ...w.op, keepBundles: true });
    assert.deepEqual(c.init.received, ['TERM']);
    assert.deepEqual(w.runc.calls, ['delete --force bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      ...REMOVED.filter((e) => e !== 'bpm.stop.destroying-bundle'),
      'bpm.stop.complete',
    ]);
    assert.equal(w.runc.containers.has(ref().cid), false);
    assert.equal(existsSync(ref().paths.pidFile('web')), false);
    assert.equal(existsSync(bundle()), true);
  });

  test('keepBundles, no container: a bundle found is kept, a stale pid file removed', async () => {
    mkdirSync(bundle(), { recursive: true });
    mkdirSync(ref().paths.pidDir, { recursive: true });
    writeFileSync(ref().paths.pidFile('web'), '4242');
    await stopProcess(ref(), w.logger('stop', ref()), { ...w.op, keepBundles: true });
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.job-already-stopped',
      'bpm.stop.deleting-pidfile',
      'bpm.stop.complete',
    ]);
    assert.equal(existsSync(bundle()), true);
  });

  test('shutdown_signal: INT sends SIGINT first', async () => {
    w.addJob('web', webJob('  shutdown_signal: INT\n'));
    const c = running();
    await stop();
    assert.deepEqual(c.init.received, ['INT']);
  });

  test('a process that takes 5 s to exit is waited for, woken the moment it exits', async () => {
    const c = running({ TERM: { exitAfterMs: 5_000 } });
    await stop();
    assert.deepEqual(c.init.received, ['TERM']);
    assert.equal(w.clock.elapsed(), 5_000);
    assert.deepEqual(w.events(), ['bpm.stop.starting', ...REMOVED, 'bpm.stop.complete']);
  });

  test('TERM ignored: SIGQUIT after 20 s, which ends it; failed-to-stop logged, then removed', async () => {
    const c = running({ TERM: 'ignore' });
    await stop();
    assert.deepEqual(c.init.received, ['TERM', 'QUIT']);
    assert.equal(w.clock.elapsed(), 20_000);
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.failed-to-stop!',
      ...REMOVED,
      'bpm.stop.complete',
    ]);
    assert.equal(w.errorOf('bpm.stop.failed-to-stop'), 'failed to stop job within timeout');
    assert.deepEqual(w.runc.calls, ['delete --force bpm-web']);
    assertRemoved();
  });

  test('TERM and QUIT ignored: 2 s after SIGQUIT the forced delete kills it (SIGKILL)', async () => {
    const c = running({ TERM: 'ignore', QUIT: 'ignore' });
    await stop();
    assert.deepEqual(c.init.received, ['TERM', 'QUIT', 'KILL']);
    assert.equal(w.clock.elapsed(), 22_000);
    assert.equal(c.init.alive, false);
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.failed-to-stop!',
      ...REMOVED,
      'bpm.stop.complete',
    ]);
    assert.equal(w.clock.pending(), 0);
    assertRemoved();
  });

  test('the stop timeouts are options', async () => {
    const c = running({ TERM: 'ignore', QUIT: 'ignore' });
    await stopProcess(ref(), w.logger('stop', ref()), { ...w.op, stopTimeouts: { stopMs: 300, quitMs: 40 } });
    assert.deepEqual(c.init.received, ['TERM', 'QUIT', 'KILL']);
    assert.equal(w.clock.elapsed(), 340);
  });

  test('already gone: no container, nothing to spawn; job-already-stopped and success', async () => {
    await stop();
    assert.deepEqual(w.runc.calls, []);
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.job-already-stopped', 'bpm.stop.complete']);
  });

  test('already gone, but a killed stop left the bundle and pid file: they are removed', async () => {
    mkdirSync(bundle(), { recursive: true });
    mkdirSync(ref().paths.pidDir, { recursive: true });
    writeFileSync(ref().paths.pidFile('web'), '4242');
    await stop();
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.job-already-stopped',
      'bpm.stop.destroying-bundle',
      'bpm.stop.deleting-pidfile',
      'bpm.stop.complete',
    ]);
    assertRemoved();
  });

  test('a never-configured job without a container stops successfully too', async () => {
    const other = w.ref('ghost');
    await stopProcess(other, w.logger('stop', other), w.op);
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.job-already-stopped', 'bpm.stop.complete']);
  });

  test('pid reused: the state file names a pid now held by another process, which gets no signal', async () => {
    const c = running();
    c.init.alive = false; // the init died; runc reports the container stopped
    const stranger = w.procs.spawn('', {}, c.init.pid); // same pid, another start time
    await stop();
    assert.deepEqual(stranger.received, []);
    assert.equal(stranger.alive, true);
    // Through runc: state, then kill (fails: not running), then the removal.
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'kill bpm-web TERM', 'delete --force bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.failed-to-stop!',
      ...REMOVED,
      'bpm.stop.complete',
    ]);
    assert.equal(w.errorOf('bpm.stop.failed-to-stop'), 'exit status 1');
    assertRemoved();
  });

  test('no usable pidfd (unreadable init record): runc state and runc kill, waiting on the pid', async () => {
    const c = running({ TERM: { exitAfterMs: 1_500 } });
    writeFileSync(
      w.runc.stateFile(ref().cid),
      JSON.stringify({ config: { labels: [`bundle=${bundle()}`] } }),
    );
    await stop();
    assert.deepEqual(c.init.received, ['TERM']);
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'kill bpm-web TERM', 'delete --force bpm-web']);
    assert.equal(w.clock.elapsed(), 1_500);
    assertRemoved();
  });

  test('runc state failing: failed-to-get-job, `failed to get job-process status: …`, nothing removed', async () => {
    running();
    writeFileSync(w.runc.stateFile(ref().cid), '{}');
    w.runc.failures.state = new RuncError('exit status 2');
    await assert.rejects(stop(), { message: 'failed to get job-process status: exit status 2' });
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.failed-to-get-job!', 'bpm.stop.failed!']);
    assert.equal(w.runc.containers.has(ref().cid), true);
  });

  test('runc delete failing: failed-to-cleanup, `failed to cleanup job-process: …`', async () => {
    running();
    w.runc.failures.delete = new RuncError('exit status 1');
    await assert.rejects(stop(), (err) => {
      assert.ok(err instanceof BpmError);
      assert.equal(err.message, 'failed to cleanup job-process: exit status 1');
      return true;
    });
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.forcefully-deleting-container',
      'bpm.stop.failed-to-cleanup!',
      'bpm.stop.failed!',
    ]);
  });

  test('an invalid bpm.yml: failed-to-parse-config, and the container keeps running', async () => {
    const c = running();
    w.addJob('web', 'processes: [');
    await assert.rejects(stop(), /^BpmError: failed to parse job configuration: /);
    assert.deepEqual(w.events(), [
      'bpm.stop.starting',
      'bpm.stop.failed-to-parse-config!',
      'bpm.stop.failed!',
    ]);
    assert.deepEqual(c.init.received, []);
    assert.deepEqual(w.runc.calls, []);
  });

  test('a process the config does not define: process-not-defined, the container keeps running', async () => {
    const other = w.ref('web', 'worker');
    mkdirSync(other.paths.bundle('worker'), { recursive: true });
    const c = w.runc.add(other.cid, other.paths.bundle('worker'));
    await assert.rejects(stopProcess(other, w.logger('stop', other), w.op), {
      message: `process "worker" not present in job configuration (${other.paths.configFile})`,
    });
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.process-not-defined!', 'bpm.stop.failed!']);
    assert.deepEqual(c.init.received, []);
  });

  test('the host probe failing: `failed to fetch system features: …`, not logged', async () => {
    running();
    w.host.probeError = new Error('open /proc/self/cgroup: permission denied');
    await assert.rejects(stop(), {
      message: 'failed to fetch system features: open /proc/self/cgroup: permission denied',
    });
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.failed!']);
  });

  test('another job’s container under the same id is not touched', async () => {
    const c = w.runc.add(ref().cid, w.ref('other', 'web').paths.bundle('web'));
    await assert.rejects(stop(), /belongs to job other, process web/);
    assert.deepEqual(c.init.received, []);
    assert.deepEqual(w.runc.calls, []);
  });

  test('cancelled while waiting: the wait ends at once with CancelledError; nothing is removed', async () => {
    const c = running({ TERM: 'ignore' });
    const stopping = stop();
    await w.clock.sleep(5_000);
    w.abort.abort();
    await assert.rejects(stopping, CancelledError);
    assert.equal(w.clock.elapsed(), 5_000);
    assert.deepEqual(c.init.received, ['TERM']);
    assert.equal(w.runc.containers.has(ref().cid), true);
    assert.equal(w.clock.pending(), 0);
    assert.equal(w.host.openHandles, 0);
    assert.deepEqual(w.events(), ['bpm.stop.starting', 'bpm.stop.failed!']);
  });

  test('cancelled before it began: nothing happens', async () => {
    const c = running();
    w.abort.abort();
    await assert.rejects(stop(), { message: 'operation cancelled' });
    assert.deepEqual(c.init.received, []);
    assert.deepEqual(w.runc.calls, []);
  });

  test('stops of different jobs run side by side on one set of ports', async () => {
    w.addJob('api', webJob().replace('web', 'api'));
    const a = running({ TERM: { exitAfterMs: 3_000 } });
    const api = w.ref('api');
    mkdirSync(api.paths.bundle('api'), { recursive: true });
    const b = w.runc.add(api.cid, api.paths.bundle('api'), 'running', { TERM: { exitAfterMs: 1_000 } });
    await Promise.all([stop(), stopProcess(api, w.logger('stop', api), w.op)]);
    assert.equal(w.clock.elapsed(), 3_000, 'the waits overlap');
    assert.equal(a.init.alive || b.init.alive, false);
    assert.deepEqual(w.runc.calls.sort(), ['delete --force bpm-api', 'delete --force bpm-web']);
  });
});
