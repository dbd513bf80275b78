// Who holds the per-process lifecycle lock (src/lifecycle/lock.ts) against real runc: the runc
// calls made under it inherit its descriptor (fd 3), so that a killed bpm's lock lasts until they
// are done (test/reliability/crash.test.ts pins that race); nothing that lives on after the
// operation may hold it — not the container's init or its processes (runc marks the descriptors it
// was given close-on-exec before it execs the container's process), not the foreground runc of
// `bpm run`, which lasts as long as the container.
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { lifecycleLockName } from '../../src/ids/container-id.ts';
import { tryLock } from '../../src/sys/flock.ts';
import { BoshRoot, eventually, skipReason } from '../helpers/bosh-root.ts';
import { gateRunc, processesWithOpen } from '../helpers/runc-gate.ts';
import { processEvents } from '../helpers/supervisor-log.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('the lifecycle lock and the processes bpm starts', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  function sleeperJob(prefix: string): { job: string; lockFile: string } {
    const job = r.uniqueJob(prefix);
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    return { job, lockFile: r.paths.lockFile(lifecycleLockName(job, job)) };
  }

  /** Take the lock at once and let it go: whether nothing held it. */
  function free(lockFile: string): boolean {
    const lock = tryLock(lockFile);
    lock?.release();
    return lock !== undefined;
  }

  test('after `bpm start`, nothing holds the lock: not the container init, not the job', async () => {
    const { job, lockFile } = sleeperJob('start');
    const res = await r.bpm('start', job);
    assert.equal(res.code, 0, res.stderr);
    const init = r.containerState(job)?.pid;
    assert.ok(init !== undefined && init > 0);
    assert.deepEqual(processesWithOpen(lockFile), []);
    assert.ok(r.cgroupPids(job).includes(init), 'the init is among the processes looked at');
    assert.equal(free(lockFile), true);
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('`bpm run`: only bpm holds the lock, never its foreground runc or the container; killed, the lock is free at once', async () => {
    const { job, lockFile } = sleeperJob('run');
    const { child, done } = r.spawnBpm(['run', job]);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'running', 10_000));
    assert.deepEqual(processesWithOpen(lockFile), [child.pid]);
    child.kill('SIGKILL');
    await done;
    assert.equal(r.containerState(job)?.status, 'running', 'the container lives on');
    assert.deepEqual(processesWithOpen(lockFile), []);
    assert.equal(free(lockFile), true, 'the next start can take the lock at once');
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test("the supervisor's start hands the lock to its `runc run`, and nothing holds it once the process runs", async () => {
    const g = BoshRoot.create();
    const gate = gateRunc(g, 'run');
    try {
      const job = g.uniqueJob('supervised');
      g.addJob(job, { processes: [{ name: job, executable: g.jobBin(job, 'run') }] }, { run: SLEEPER });
      const lockFile = g.paths.lockFile(lifecycleLockName(job, job));
      const sup = g.spawnBpm(['supervise', '--job', job]);
      const runc = await gate.held();
      assert.ok(runc !== undefined, 'the supervisor reached runc run');
      assert.equal(readlinkSync(`/proc/${runc}/fd/3`), lockFile);
      assert.deepEqual(processesWithOpen(lockFile).sort(), [sup.child.pid, runc].sort());
      gate.release();
      assert.ok(await eventually(() => processEvents(g, job, 'started').length === 1, 20_000), 'started');
      assert.deepEqual(processesWithOpen(lockFile), []);
      assert.equal(free(lockFile), true);
      sup.child.kill('SIGTERM');
      const end = await sup.done;
      assert.equal(end.code, 0, end.stderr);
      assert.equal(g.containerState(job), undefined);
    } finally {
      gate.close();
      await g.cleanup();
    }
  });
});
