// Broken state on a systemd + cgroup v2 host (the Noble VM): what a VM reboot leaves (runc's state
// on disk, processes and scopes gone) and a container whose init died while processes stayed in
// its scope (upstream: "container's cgroup is not empty"). The next start or stop converges.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, isAlive } from '../../helpers/bosh-root.ts';
import { addSleeperJob, inspectJob, processesInCgroupOf } from '../../reliability/support.ts';
import { expectedCgroupsPath, scopeOf, systemdV2SkipReason, unitState } from './systemd-host.ts';

const skip = systemdV2SkipReason();

describe('recovery on systemd + cgroup v2', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

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
