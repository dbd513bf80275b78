// start's decisions (docs/behaviour/commands.md §2, §10.1) through the lifecycle's ports: an
// in-memory runc and a fake host in a temporary BOSH root. The real-runc counterparts are in
// test/integration/ (start-stop, list-recovery, pre-start-hook, recover).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/lifecycle/context.ts';
import { readLastExit } from '../../src/lifecycle/last-exit.ts';
import { startProcess } from '../../src/lifecycle/start.ts';
import { cgroupsPath } from '../../src/oci/cgroups-path.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { EPOCH_MS } from './fakes/clock.ts';
import { eachWorld, removalEvents, setupEvents, type World, webJob } from './fakes/world.ts';

const SESSION = setupEvents('start');
const REMOVED = removalEvents('start');

describe('startProcess', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const ref = () => w.ref('web');
  const bundle = () => ref().paths.bundle('web');
  const start = () => startProcess(ref(), w.logger('start', ref()), w.op);

  test('fresh: one runc call (run --detach), bundle and pid file written, the events of §2', async () => {
    await start();
    assert.deepEqual(w.runc.calls, ['run --detach bpm-web']);
    assert.deepEqual(w.events(), ['bpm.start.starting', ...SESSION, 'bpm.start.complete']);
    const c = w.runc.containers.get('bpm-web');
    assert.equal(c?.bundle, bundle());
    assert.equal(readFileSync(ref().paths.pidFile('web'), 'utf8'), String(c?.init.pid));
    const spec = JSON.parse(readFileSync(ref().paths.configJson('web'), 'utf8'));
    assert.deepEqual(spec.process.args, ['/var/vcap/packages/bpm/bin/tini', '-w', '-s', '--', '/bin/web']);
    assert.deepEqual([spec.process.user.uid, spec.process.user.gid], [1000, 1000]);
    assert.equal(
      w.records().find((r) => r.message === 'bpm.start.start-process.starting')?.data['session'],
      '1.1',
    );
  });

  test("under the lock, the runc client gets the lock's descriptor (ref.lockFd) for its calls", async () => {
    await startProcess({ ...ref(), lockFd: 42 }, w.logger('start', ref()), w.op);
    assert.deepEqual(w.host.runcLockFds, [42]);
  });

  test('running: touches nothing, one runc call (state); process-already-running', async () => {
    await start();
    w.runc.calls.length = 0;
    w.lines.length = 0;
    await start();
    assert.deepEqual(w.runc.calls, ['state bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.process-already-running',
      'bpm.start.complete',
    ]);
  });

  test('running with its pid file lost: the live pid is written back (repairing-pidfile)', async () => {
    await start();
    const pid = w.runc.containers.get('bpm-web')?.init.pid;
    writeFileSync(ref().paths.pidFile('web'), '1');
    w.lines.length = 0;
    await start();
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.process-already-running',
      'bpm.start.repairing-pidfile',
      'bpm.start.complete',
    ]);
    assert.equal(w.records()[2]?.data['pid'], String(pid));
    assert.equal(readFileSync(ref().paths.pidFile('web'), 'utf8'), String(pid));
  });

  test('stopped (failed): removing-stopped-process, the removal, then a new container', async () => {
    mkdirSync(bundle(), { recursive: true });
    const old = w.runc.add('bpm-web', bundle(), 'stopped');
    await start();
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'delete --force bpm-web', 'run --detach bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.removing-stopped-process',
      ...REMOVED,
      ...SESSION,
      'bpm.start.complete',
    ]);
    assert.notEqual(w.runc.containers.get('bpm-web')?.init, old.init);
    // Its end, which nobody saw, is recorded first, at the operation's clock.
    assert.deepEqual(readLastExit(ref().paths, 'web'), {
      at: new Date(EPOCH_MS).toISOString(),
      code: null,
      signal: null,
      seenBy: 'start',
    });
  });

  test('stopped with OOM kills in its cgroup: the sighting records oomKilled before the removal', async () => {
    mkdirSync(bundle(), { recursive: true });
    w.runc.add('bpm-web', bundle(), 'stopped');
    w.host.usage.set('bpm-web', { version: 1, oomKills: 2 });
    await start();
    assert.deepEqual(readLastExit(ref().paths, 'web'), {
      at: new Date(EPOCH_MS).toISOString(),
      code: null,
      signal: null,
      seenBy: 'start',
      oomKilled: true,
    });
  });

  test('the staging points are cleared once the container runs, and by the removal of a stopped one', async () => {
    await start();
    assert.deepEqual(w.host.stagingClears, ['web/web']);
    w.runc.containers.get('bpm-web')!.status = 'stopped';
    await start();
    assert.deepEqual(w.host.stagingClears, ['web/web', 'web/web', 'web/web']);
  });

  test('an init that dies at once: exit 0 as upstream, exited-right-after-start, its end recorded', async () => {
    const at = new Date(EPOCH_MS + 120);
    w.host.earlyExit = { at, end: { code: 3, signal: null } };
    const outcome = await start();
    assert.deepEqual(outcome, { exitedAtOnce: { at, end: { code: 3, signal: null } } });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      ...SESSION,
      'bpm.start.exited-right-after-start!',
      'bpm.start.complete',
    ]);
    assert.equal(w.errorOf('bpm.start.exited-right-after-start'), 'exit status 3');
    assert.deepEqual(readLastExit(ref().paths, 'web'), {
      at: at.toISOString(),
      code: 3,
      signal: null,
      seenBy: 'start',
    });
  });

  test('an init that dies at once, killed or of unknown status: the text says which', async () => {
    w.host.earlyExit = { at: new Date(EPOCH_MS), end: { code: null, signal: 'SIGKILL' } };
    await start();
    assert.equal(w.errorOf('bpm.start.exited-right-after-start'), 'signal: killed');
    assert.equal(readLastExit(ref().paths, 'web')?.signal, 'SIGKILL');
    w.lines.length = 0;
    w.runc.containers.get('bpm-web')!.status = 'stopped';
    w.host.earlyExit = { at: new Date(EPOCH_MS + 1), end: undefined };
    await start();
    assert.equal(w.errorOf('bpm.start.exited-right-after-start'), 'exit status unknown');
    assert.deepEqual(readLastExit(ref().paths, 'web'), {
      at: new Date(EPOCH_MS + 1).toISOString(),
      code: null,
      signal: null,
      seenBy: 'start',
    });
  });

  test('an early exit that cannot be recorded is logged (failed-to-record-exit); the start still succeeds', async () => {
    w.host.earlyExit = { at: new Date(EPOCH_MS), end: { code: 1, signal: null } };
    w.host.recordLastExit = () => {
      throw new Error('rename x: no space left on device');
    };
    assert.ok((await start()).exitedAtOnce);
    assert.deepEqual(w.events().slice(-3), [
      'bpm.start.exited-right-after-start!',
      'bpm.start.failed-to-record-exit!',
      'bpm.start.complete',
    ]);
    assert.equal(w.errorOf('bpm.start.failed-to-record-exit'), 'rename x: no space left on device');
  });

  test('stopped, and its removal failing: failed-to-cleanup, `failed to clean up stale job-process: …`', async () => {
    w.runc.add('bpm-web', bundle(), 'stopped');
    w.runc.failures.delete = new RuncError('exit status 1');
    await assert.rejects(start(), { message: 'failed to clean up stale job-process: exit status 1' });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.removing-stopped-process',
      'bpm.start.forcefully-deleting-container',
      'bpm.start.failed-to-cleanup!',
      'bpm.start.failed!',
    ]);
    assert.equal(w.errorOf('bpm.start.failed-to-cleanup'), 'exit status 1');
  });

  test('created or creating: go on, and runc run fails on the taken id (failed-to-start)', async () => {
    w.runc.add('bpm-web', bundle(), 'created');
    await assert.rejects(start(), { message: 'failed to start job-process: exit status 1' });
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'run --detach bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      ...SESSION.slice(0, -1),
      'bpm.start.start-process.failed!',
      'bpm.start.failed-to-start!',
      'bpm.start.failed!',
    ]);
  });

  test('broken state, state file intact: runc failing triggers recovery (delete), no cgroup kill', async () => {
    w.runc.add('bpm-web', bundle(), 'running');
    w.runc.failures.state = new RuncError('exit status 1');
    await start();
    assert.deepEqual(w.runc.calls, ['state bpm-web', 'delete --force bpm-web', 'run --detach bpm-web']);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.failed-getting-job!',
      ...REMOVED,
      ...SESSION,
      'bpm.start.complete',
    ]);
    assert.equal(w.errorOf('bpm.start.failed-getting-job'), 'exit status 1');
    assert.deepEqual(w.host.cgroupKills, []);
  });

  test('broken state, state file unreadable: the cgroup is killed first, then the file removed', async () => {
    const old = w.runc.add('bpm-web', bundle(), 'running');
    writeFileSync(w.runc.stateFile('bpm-web'), '{"truncated');
    w.runc.failures.state = new RuncError('invalid character');
    await start();
    assert.deepEqual(w.host.cgroupKills, ['bpm-web']);
    assert.equal(old.init.alive, false);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.failed-getting-job!',
      ...REMOVED,
      ...SESSION,
      'bpm.start.complete',
    ]);
  });

  test('broken state that cannot be cleaned: failed-to-remove-state-file, failed-cleaning-up-broken-job', async () => {
    w.runc.add('bpm-web', bundle(), 'running');
    writeFileSync(w.runc.stateFile('bpm-web'), 'not json');
    w.runc.failures.state = new RuncError('exit status 1');
    w.host.killContainerProcesses = async () => {
      throw new Error('open /sys/fs/cgroup/pids/bpm-web/cgroup.procs: permission denied');
    };
    await assert.rejects(start(), {
      message:
        'failed to clean up stale state file: open /sys/fs/cgroup/pids/bpm-web/cgroup.procs: permission denied',
    });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.failed-getting-job!',
      'bpm.start.failed-to-remove-state-file!',
      'bpm.start.failed-cleaning-up-broken-job!',
      'bpm.start.failed!',
    ]);
    assert.equal(existsSync(w.runc.stateFile('bpm-web')), true, 'the state file stays');
  });

  test('broken state whose removal fails: failed-to-cleanup, failed-cleaning-up-broken-job', async () => {
    w.runc.add('bpm-web', bundle(), 'running');
    w.runc.failures.state = new RuncError('exit status 1');
    w.runc.failures.delete = new RuncError('exit status 1');
    await assert.rejects(start(), { message: 'failed to clean up stale job-process: exit status 1' });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.failed-getting-job!',
      'bpm.start.forcefully-deleting-container',
      'bpm.start.failed-to-cleanup!',
      'bpm.start.failed-cleaning-up-broken-job!',
      'bpm.start.failed!',
    ]);
  });

  test('pre-start hook: run with the container environment before runc', async () => {
    w.addJob('web', webJob('  hooks:\n    pre_start: /var/vcap/jobs/web/bin/pre\n  env:\n    A: b\n'));
    await start();
    assert.equal(w.host.hooks.length, 1);
    assert.equal(w.host.hooks[0]?.command, '/var/vcap/jobs/web/bin/pre');
    assert.ok(w.host.hooks[0]?.env.includes('A=b'));
    assert.deepEqual(w.runc.calls, ['run --detach bpm-web']);
  });

  test('pre-start hook failing: failed-to-start, `failed to start job-process: prestart hook failed: …`', async () => {
    w.addJob('web', webJob('  hooks:\n    pre_start: /var/vcap/jobs/web/bin/pre\n'));
    w.host.hookError = new Error('exit status 3');
    await assert.rejects(start(), {
      message: 'failed to start job-process: prestart hook failed: exit status 3',
    });
    assert.deepEqual(w.runc.calls, []);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      ...SESSION.slice(0, 4),
      'bpm.start.start-process.failed!',
      'bpm.start.failed-to-start!',
      'bpm.start.failed!',
    ]);
    assert.equal(w.errorOf('bpm.start.failed-to-start'), 'prestart hook failed: exit status 3');
    assert.equal(existsSync(ref().paths.configJson('web')), true, 'a failed start rolls nothing back');
  });

  test('prerequisites failing: `failed to start job-process: failed to create system files: …`', async () => {
    w.host.prerequisitesError = new Error('chown /x: operation not permitted');
    await assert.rejects(start(), {
      message:
        'failed to start job-process: failed to create system files: chown /x: operation not permitted',
    });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      ...SESSION.slice(0, 2),
      'bpm.start.start-process.failed!',
      'bpm.start.failed-to-start!',
      'bpm.start.failed!',
    ]);
  });

  test('runc run failing: failed-to-start with runc’s exit status', async () => {
    w.runc.failures.runDetached = new RuncError('exit status 1');
    await assert.rejects(start(), { message: 'failed to start job-process: exit status 1' });
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      ...SESSION.slice(0, -1),
      'bpm.start.start-process.failed!',
      'bpm.start.failed-to-start!',
      'bpm.start.failed!',
    ]);
  });

  test('an invalid bpm.yml: failed-to-parse-config before anything else', async () => {
    w.addJob('web', 'processes:\n- name: web\n  executable: /bin/web\n  shutdown_signal: HUP\n');
    await assert.rejects(start(), /^BpmError: failed to parse job configuration: /);
    assert.deepEqual(w.events(), [
      'bpm.start.starting',
      'bpm.start.failed-to-parse-config!',
      'bpm.start.failed!',
    ]);
    assert.deepEqual(w.runc.calls, []);
  });

  test('a process the config does not define: process-not-defined', async () => {
    const other = w.ref('web', 'worker');
    await assert.rejects(startProcess(other, w.logger('start', other), w.op), {
      message: `process "worker" not present in job configuration (${other.paths.configFile})`,
    });
    assert.equal(w.errorOf('bpm.start.process-not-defined'), 'invalid process: worker');
  });

  test('the host probe failing: `failed to fetch system features: …`, not logged', async () => {
    w.host.probeError = new Error('boom');
    await assert.rejects(start(), { message: 'failed to fetch system features: boom' });
    assert.deepEqual(w.events(), ['bpm.start.starting', 'bpm.start.failed!']);
  });

  test('the probed features reach the spec (the cgroups path under bpm’s own cgroup)', async () => {
    w.host.features = { ...w.host.features, systemd: true, ownCgroup: '/system.slice/monit.service' };
    await start();
    const spec = JSON.parse(readFileSync(ref().paths.configJson('web'), 'utf8'));
    assert.equal(spec.linux.cgroupsPath, cgroupsPath('/system.slice/monit.service', true, 'bpm-web'));
  });

  test("the container's cgroup is prepared through the host port, with the spec's resources, before runc", async () => {
    w.addJob('web', webJob('  limits:\n    memory: 64M\n    processes: 10\n'));
    await start();
    assert.equal(w.host.cgroupSetups.length, 1);
    const spec = JSON.parse(readFileSync(ref().paths.configJson('web'), 'utf8'));
    assert.deepEqual(
      JSON.parse(JSON.stringify(w.host.cgroupSetups[0], (_k, v) => (typeof v === 'bigint' ? Number(v) : v))),
      spec.linux.resources,
    );
  });

  test('cancelled: CancelledError before any runc call or side effect', async () => {
    w.abort.abort();
    await assert.rejects(start(), CancelledError);
    assert.deepEqual(w.runc.calls, []);
    assert.equal(existsSync(bundle()), false);
  });

  test('starts of different jobs run concurrently on one set of ports', async () => {
    w.addJob('api', webJob().replace('web', 'api'));
    const api = w.ref('api');
    await Promise.all([start(), startProcess(api, w.logger('start', api), w.op)]);
    assert.deepEqual([...w.runc.containers.keys()].sort(), ['bpm-api', 'bpm-web']);
  });
});
