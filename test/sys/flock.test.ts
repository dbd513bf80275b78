import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock, LockWaitAborted, tryLock } from '../../src/sys/flock.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-flock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const flockModule = new URL('../../src/sys/flock.ts', import.meta.url).href;

/** A separate node process that takes the lock, says `locked`, and then waits for `release\n`. */
function holder(file: string): Promise<ChildProcess> {
  const script = `
    import { acquireLock } from ${JSON.stringify(flockModule)};
    const lock = await acquireLock(${JSON.stringify(file)});
    process.stdout.write('locked\\n');
    process.stdin.on('data', (d) => { if (String(d).includes('release')) { lock.release(); process.stdout.write('released\\n'); } });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) =>
      String(d).includes('locked') ? resolve(child) : reject(new Error(String(d))),
    );
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

function settled(p: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  p.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}

/** `pending` is still not granted after 300 ms, during which the event loop kept running. */
async function assertWaiting(pending: Promise<unknown>): Promise<void> {
  const state = settled(pending);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  await sleep(300);
  clearInterval(timer);
  assert.equal(state.done, false, 'lock must not be granted while the other process holds it');
  assert.ok(ticks >= 10, `event loop kept running (${ticks} ticks)`);
}

describe('flock locks', () => {
  it('creates an empty 0600 lock file and excludes a second descriptor', async () => {
    const file = join(dir, 'a.lock');
    const lock = await acquireLock(file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), '');
    assert.equal(tryLock(file), undefined);
    lock.release();
    lock.release(); // idempotent
    const again = tryLock(file);
    assert.ok(again);
    again.release();
  });

  it('blocks while another process holds it, without blocking the event loop, until that process dies', async () => {
    const file = join(dir, 'b.lock');
    const child = await holder(file);
    try {
      assert.equal(tryLock(file), undefined);
      const pending = acquireLock(file);
      await assertWaiting(pending);
      const killedAt = performance.now();
      child.kill('SIGKILL');
      const lock = await pending;
      assert.ok(performance.now() - killedAt < 2000);
      lock.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('is granted as soon as the other process releases it explicitly', async () => {
    const file = join(dir, 'c.lock');
    const child = await holder(file);
    try {
      const pending = acquireLock(file);
      const state = settled(pending);
      await sleep(100);
      assert.equal(state.done, false);
      child.stdin?.write('release\n');
      const lock = await pending;
      lock.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with an AbortSignal: waits without blocking the event loop; the lock it gets is ours alone', async () => {
    const file = join(dir, 'd.lock');
    const child = await holder(file);
    try {
      const pending = acquireLock(file, new AbortController().signal);
      await assertWaiting(pending);
      child.stdin?.write('release\n');
      const lock = await pending;
      assert.equal(tryLock(file), undefined, 'held through our descriptor once flock(1) exited');
      lock.release();
      const again = tryLock(file);
      assert.ok(again, 'released by release()');
      again.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with an AbortSignal: aborting ends the wait at once, and nothing is held afterwards', async () => {
    const file = join(dir, 'e.lock');
    const child = await holder(file);
    try {
      const abort = new AbortController();
      const pending = acquireLock(file, abort.signal);
      await sleep(100);
      const abortedAt = performance.now();
      abort.abort(new Error('shutting down'));
      await assert.rejects(pending, (err: unknown) => {
        assert.ok(err instanceof LockWaitAborted);
        assert.equal((err.cause as Error).message, 'shutting down');
        return true;
      });
      assert.ok(performance.now() - abortedAt < 2000);
      child.stdin?.write('release\n');
      await new Promise((resolve) => child.stdout?.once('data', resolve));
      const free = tryLock(file);
      assert.ok(free, 'the aborted wait left no lock behind');
      free.release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with an AbortSignal already aborted: rejects before opening anything', async () => {
    const abort = new AbortController();
    abort.abort();
    const file = join(dir, 'never.lock');
    await assert.rejects(acquireLock(file, abort.signal), LockWaitAborted);
    assert.equal(existsSync(file), false);
  });

  it('reports an unopenable lock file Go-style', async () => {
    await assert.rejects(acquireLock(join(dir, 'missing', 'x.lock')), {
      message: `open ${join(dir, 'missing', 'x.lock')}: no such file or directory`,
    });
  });

  it('never opens a lock file through a symlink', async () => {
    const target = join(dir, 'elsewhere');
    const link = join(dir, 'linked.lock');
    symlinkSync(target, link);
    await assert.rejects(acquireLock(link), { message: `open ${link}: too many levels of symbolic links` });
    assert.throws(() => tryLock(link), { message: `open ${link}: too many levels of symbolic links` });
    assert.equal(existsSync(target), false);
  });
});
