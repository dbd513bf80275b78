// The lifecycle lock around start, stop and run (docs/behaviour/commands.md §1.4): bpm.log first,
// then a real flock(2) held for the whole operation; the operation's AbortSignal ends the wait.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RootPaths } from '../../src/bosh/paths.ts';
import { lifecycleLockName } from '../../src/ids/container-id.ts';
import { CancelledError } from '../../src/lifecycle/context.ts';
import { withLifecycleLock } from '../../src/lifecycle/lock.ts';
import { tryLock } from '../../src/sys/flock.ts';
import { ensureVcap } from '../host/vcap-user.ts';

ensureVcap();
const dir = mkdtempSync(join(tmpdir(), 'bpm-lifecycle-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const root = new RootPaths(dir);
mkdirSync(root.locksDir, { recursive: true });

function events(job: string): string[] {
  const lines = readFileSync(root.job(job).bpmLog, 'utf8').trim().split('\n');
  return lines.map((l) => {
    const r = JSON.parse(l) as { message: string; data: Record<string, string> };
    return r.data['error'] === undefined ? r.message : `${r.message}: ${r.data['error']}`;
  });
}

test('runs main under the lock and releases it after, logging both sessions', async () => {
  const file = root.lockFile(lifecycleLockName('free', 'free'));
  const held = await withLifecycleLock(root, 'start', 'free', 'free', async () => tryLock(file));
  assert.equal(held, undefined, 'main runs while the lock is held');
  const free = tryLock(file);
  assert.ok(free, 'released afterwards');
  free.release();
  assert.deepEqual(events('free'), [
    'bpm.start.acquiring-lifecycle-lock.starting',
    'bpm.start.acquiring-lifecycle-lock.complete',
    'bpm.start.releasing-lifecycle-lock.starting',
    'bpm.start.releasing-lifecycle-lock.complete',
  ]);
});

test("main's ref carries the held lock's descriptor (lockFd), for the runc calls made under it", async () => {
  const file = root.lockFile(lifecycleLockName('fd', 'fd'));
  const seen = await withLifecycleLock(root, 'start', 'fd', 'fd', async (ref) => {
    assert.equal(ref.cid, 'bpm-fd');
    assert.ok(ref.lockFd !== undefined);
    return { fd: ref.lockFd, target: readlinkSync(`/proc/self/fd/${ref.lockFd}`) };
  });
  assert.equal(seen.target, file);
  assert.throws(() => readlinkSync(`/proc/self/fd/${seen.fd}`), { code: 'ENOENT' }, 'closed on release');
});

test('aborting the operation ends the wait for a held lock: CancelledError, main never runs', async () => {
  const holder = tryLock(root.lockFile(lifecycleLockName('busy', 'busy')));
  assert.ok(holder);
  try {
    const abort = new AbortController();
    let ran = false;
    const pending = withLifecycleLock(
      root,
      'stop',
      'busy',
      'busy',
      async () => {
        ran = true;
      },
      abort.signal,
    );
    await sleep(100);
    abort.abort();
    await assert.rejects(pending, CancelledError);
    assert.equal(ran, false);
    assert.deepEqual(events('busy'), [
      'bpm.stop.acquiring-lifecycle-lock.starting',
      'bpm.stop.acquiring-lifecycle-lock.failed-to-acquire-lock: operation cancelled',
      'bpm.stop.acquiring-lifecycle-lock.complete',
    ]);
  } finally {
    holder.release();
  }
});
