// Broken-state recovery failure paths (docs/behaviour/commands.md §2 step 5,
// docs/behaviour/locking-and-recovery.md §4.1), against real runc in a temporary BOSH root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();

describe('broken-state recovery', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('a state.json that cannot be removed: Go-worded error, events of §4.1 step 2, lock released', async () => {
    const job = r.uniqueJob('busy');
    r.addJob(job, { processes: [{ name: job, executable: '/bin/true' }] });
    // An unreadable state.json (a directory) that rmdir refuses with EBUSY (a mount point).
    const stateFile = r.paths.runcStateFile(`bpm-${job}`);
    mkdirSync(stateFile, { recursive: true });
    assert.equal(spawnSync('mount', ['--bind', stateFile, stateFile]).status, 0);
    try {
      const res = await r.bpm('start', job);
      assert.equal(res.code, 1);
      assert.equal(
        res.stderr,
        `Error: failed to clean up stale state file: unlinkat ${stateFile}: device or resource busy\n`,
      );
      const log = r.bpmLog(job);
      assert.deepEqual(
        log.slice(2).map((l) => [l.message, l.data.session, l.level]),
        [
          ['bpm.start.starting', '1', 'info'],
          ['bpm.start.failed-getting-job', '1', 'error'],
          ['bpm.start.failed-to-remove-state-file', '1', 'error'],
          ['bpm.start.failed-cleaning-up-broken-job', '1', 'error'],
          // issue #13: a failed start ends with `failed`, not upstream's `complete`
          ['bpm.start.failed', '1', 'error'],
          ['bpm.start.releasing-lifecycle-lock.starting', '1.2', 'info'],
          ['bpm.start.releasing-lifecycle-lock.complete', '1.2', 'info'],
        ],
      );
      assert.equal(
        log.find((l) => l.message === 'bpm.start.failed-to-remove-state-file')?.data.error,
        `unlinkat ${stateFile}: device or resource busy`,
      );
    } finally {
      spawnSync('umount', [stateFile]);
    }
  });
});
