import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { processExists, waitForExit, waitForExitByKill } from '../../src/sys/wait-exit.ts';

/** Start `sleep 30` as an orphan (its shell parent exits at once), so it is not our child. */
async function orphanSleeper(): Promise<number> {
  const sh = spawn('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  sh.stdout.on('data', (d) => {
    out += String(d);
  });
  await new Promise((resolve) => sh.once('exit', resolve));
  const pid = Number.parseInt(out.trim(), 10);
  assert.ok(pid > 0 && processExists(pid));
  return pid;
}

/**
 * Like orphanSleeper, but the sleeper alone holds a pipe to us (its fd 3): `gone` resolves with the
 * time this process saw the pipe's end of file, i.e. learnt through its event loop that the kernel
 * closed the dead sleeper's files, a moment before its exit became visible.
 */
async function watchedOrphanSleeper(): Promise<{ pid: number; gone: Promise<number> }> {
  const sh = spawn('sh', ['-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
  });
  const pipe = sh.stdio[3] as NodeJS.ReadableStream;
  const gone = new Promise<number>((resolve) => pipe.once('end', () => resolve(performance.now())));
  pipe.resume();
  let out = '';
  sh.stdout!.on('data', (d) => {
    out += String(d);
  });
  await new Promise((resolve) => sh.once('exit', resolve));
  const pid = Number.parseInt(out.trim(), 10);
  assert.ok(pid > 0 && processExists(pid));
  return { pid, gone };
}

/** A pid that certainly belongs to no process: a child that already exited and was reaped. */
function deadPid(): number {
  const r = spawnSync('true');
  assert.ok(r.pid);
  return r.pid;
}

for (const [name, wait] of [
  ['pidfd', waitForExit],
  ['kill(0) fallback', waitForExitByKill],
] as const) {
  describe(`waitForExit (${name})`, () => {
    it('wakes within milliseconds of a non-child process exiting', async () => {
      const { pid, gone } = await watchedOrphanSleeper();
      const waiting = wait(pid, 10_000).then((exited) => ({ exited, at: performance.now() }));
      await sleep(100);
      process.kill(pid, 'SIGKILL');
      const [{ exited, at }, goneAt] = await Promise.all([waiting, gone]);
      assert.equal(exited, true);
      // Timed from the dead process's pipe reaching end of file, not from kill(2): the kernel's
      // teardown of the victim and this process's own scheduling delay both alike, so a loaded
      // machine does not make the wake look late. Both paths count the unreaped zombie as exited
      // (init may reap it much later).
      const latency = at - goneAt;
      assert.ok(latency < (name === 'pidfd' ? 50 : 100), `woke ${latency.toFixed(1)} ms after the exit`);
    });

    it('returns false at the timeout while the process lives on', async () => {
      const pid = await orphanSleeper();
      try {
        const started = performance.now();
        assert.equal(await wait(pid, 150), false);
        const took = performance.now() - started;
        assert.ok(took >= 145 && took < 600, `took ${took.toFixed(1)} ms`);
        assert.ok(processExists(pid));
      } finally {
        process.kill(pid, 'SIGKILL');
      }
    });

    it('returns true at once for a process that is already gone', async () => {
      const pid = deadPid(); // spawning it is not part of the wait
      const started = performance.now();
      assert.equal(await wait(pid, 5000), true);
      assert.ok(performance.now() - started < 100);
    });
  });
}

describe('processExists', () => {
  it('sees this process and not a reaped one', () => {
    assert.equal(processExists(process.pid), true);
    assert.equal(processExists(deadPid()), false);
  });
});
