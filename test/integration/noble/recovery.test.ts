// Broken state on a systemd + cgroup v2 host (the Noble VM): a bpm SIGKILLed mid-start (its runc
// has asked systemd for the scope) and mid-stop; what a VM reboot leaves (runc's state on disk,
// processes and scopes gone); a container whose init died while processes stayed in its scope
// (upstream: "container's cgroup is not empty"). The next start or stop converges.
// (test/reliability/crash.test.ts does the same at random points, in `--full`.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, isAlive, scaledMs, sleep } from '../../helpers/bosh-root.ts';
import {
  addSleeperJob,
  inspectJob,
  inspectRoot,
  processesInCgroupOf,
  settle,
} from '../../reliability/support.ts';
import {
  expectedCgroupsPath,
  scopeOf,
  systemdV2SkipReason,
  unitState,
  unitsMatching,
} from './systemd-host.ts';

const skip = systemdV2SkipReason();

describe('recovery on systemd + cgroup v2', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('bpm start SIGKILLed once the scope exists: the next start and stop converge', async () => {
    const job = addSleeperJob(r, 'killed-start');
    const { child, done } = r.spawnBpm(['start', job]);
    assert.ok(await eventually(() => unitsMatching(`-bpm-bpm-${job}.scope`).length > 0, 60_000), 'no scope');
    child.kill('SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    const start = await r.bpm('start', job);
    assert.equal(start.code, 0, start.stderr);
    assert.deepEqual(inspectJob(r, job, 'running'), []);
    assert.equal((await r.bpm('stop', job)).code, 0);
    await settle(r);
    assert.deepEqual([...inspectJob(r, job, 'stopped'), ...inspectRoot(r)], []);
  });

  test('bpm stop SIGKILLed while its process ignores TERM: the next stop finishes the job', async () => {
    const job = r.uniqueJob('killed-stop');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 1; done\n" },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    await sleep(scaledMs(200)); // let the shell install its trap
    const { child, done } = r.spawnBpm(['stop', job]);
    const signalled = () => r.bpmLog(job).some((l) => l.message === 'bpm.stop.starting');
    assert.ok(await eventually(signalled, 60_000));
    await sleep(scaledMs(300));
    child.kill('SIGKILL');
    await done;
    assert.equal(r.containerState(job)?.status, 'running', 'TERM was ignored');
    const stop = await r.bpmWith({ timeoutMs: 120_000 }, 'stop', job);
    assert.equal(stop.code, 0, stop.stderr);
    await settle(r);
    assert.deepEqual([...inspectJob(r, job, 'stopped'), ...inspectRoot(r)], []);
  });

  test('reboot-like: runc state kept, processes and scopes gone; list says failed, start and stop converge', async () => {
    const restarted = addSleeperJob(r, 'reboot-start');
    const stopped = addSleeperJob(r, 'reboot-stop');
    for (const job of [restarted, stopped]) assert.equal((await r.bpm('start', job)).code, 0);
    const old = r.containerState(restarted)?.pid;
    for (const job of [restarted, stopped]) {
      const { unit } = scopeOf(expectedCgroupsPath(job));
      assert.equal(spawnSync('systemctl', ['kill', '--signal=SIGKILL', unit]).status, 0);
      assert.ok(await eventually(() => unitState(unit) !== 'active'), `${unit} still active`);
      assert.ok(existsSync(r.paths.runcStateFile(`bpm-${job}`)), 'runc state kept');
    }
    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    for (const job of [restarted, stopped]) assert.match(list.stdout, new RegExp(`^${job} +- +failed$`, 'm'));

    const start = await r.bpm('start', restarted);
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.stderr, '');
    assert.notEqual(r.containerState(restarted)?.pid, old);
    assert.deepEqual(inspectJob(r, restarted, 'running'), []);
    const stop = await r.bpm('stop', stopped);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(inspectJob(r, stopped, 'stopped'), []);
    assert.equal((await r.bpm('stop', restarted)).code, 0);
    assert.deepEqual(inspectJob(r, restarted, 'stopped'), []);
  });

  test('init dead, a process left in the scope ("cgroup is not empty"): start kills it and starts afresh', async () => {
    const job = r.uniqueJob('leftover');
    // In the host pid namespace the container's children outlive its init.
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), unsafe: { host_pid_namespace: true } }] },
      { run: '#!/bin/sh\nsleep 100000 &\nexec sleep 100000\n' },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    const cid = `bpm-${job}`;
    assert.ok(await eventually(() => processesInCgroupOf(cid).length >= 3), 'tini and two sleeps');
    const init = r.containerState(job)?.pid;
    assert.ok(init);
    process.kill(init, 'SIGKILL');
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    const left = processesInCgroupOf(cid);
    assert.ok(left.length > 0, 'processes left in the scope');
    assert.match((await r.bpm('list')).stdout, new RegExp(`^${job} +- +failed$`, 'm'));

    const start = await r.bpm('start', job);
    assert.equal(start.code, 0, start.stderr);
    for (const pid of left) assert.equal(isAlive(pid), false, `old process ${pid} still alive`);
    assert.deepEqual(inspectJob(r, job, 'running'), []);
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.deepEqual(inspectJob(r, job, 'stopped'), []);
  });
});
