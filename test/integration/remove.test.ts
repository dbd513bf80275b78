// Removing a process (docs/behaviour/commands.md §10.3) as `bpm stop` does it (§3 step 7), against real runc
// in a temporary BOSH root: the failure texts of the removal steps.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();

describe('remove process', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('a bundle that cannot be deleted: `failed to cleanup job-process: unlinkat <path>: <errno text>`', async () => {
    const job = r.uniqueJob('busybundle');
    r.addJob(job, { processes: [{ name: job, executable: '/bin/true' }] });
    assert.equal((await r.bpm('start', job)).code, 0);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    // A mount point inside the bundle: rmdir fails with EBUSY.
    const rootfs = join(r.paths.job(job).bundle(job), 'rootfs');
    assert.equal(spawnSync('mount', ['--bind', rootfs, rootfs]).status, 0);
    try {
      const res = await r.bpm('stop', job);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `Error: failed to cleanup job-process: unlinkat ${rootfs}: device or resource busy\n`,
      );
      const failed = r.bpmLog(job).find((l) => l.message === 'bpm.stop.failed-to-cleanup');
      assert.equal(failed?.data.error, `unlinkat ${rootfs}: device or resource busy`);
    } finally {
      spawnSync('umount', [rootfs]);
    }
  });

  test('a pid file that cannot be deleted: `failed to cleanup job-process: remove <path>: <errno text>`', async () => {
    const job = r.uniqueJob('busypid');
    r.addJob(job, { processes: [{ name: job, executable: '/bin/true' }] });
    assert.equal((await r.bpm('start', job)).code, 0);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    // Go's os.Remove: unlink says EISDIR, rmdir says ENOTEMPTY; the rmdir error is reported.
    const pidFile = r.pidFile(job);
    unlinkSync(pidFile);
    mkdirSync(join(pidFile, 'x'), { recursive: true });
    const res = await r.bpm('stop', job);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      `Error: failed to cleanup job-process: remove ${pidFile}: directory not empty\n`,
    );
  });

  test("an empty directory at the pid file path is removed, as Go's os.Remove does", async () => {
    const job = r.uniqueJob('emptypid');
    r.addJob(job, { processes: [{ name: job, executable: '/bin/true' }] });
    assert.equal((await r.bpm('start', job)).code, 0);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    const pidFile = r.pidFile(job);
    unlinkSync(pidFile);
    mkdirSync(pidFile);
    const res = await r.bpm('stop', job);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(existsSync(pidFile), false);
  });
});
