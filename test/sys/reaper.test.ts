import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { libc } from '../../src/sys/libc.ts';
import { readProcStat } from '../../src/sys/pidfd.ts';
import {
  becomeSubreaper,
  childPids,
  claimChild,
  decodeWaitStatus,
  reapExited,
  reapOrphans,
  reapPidfd,
  sweepOrphans,
  unclaimChild,
} from '../../src/sys/reaper.ts';
import { processExists, waitForExit, waitForPidfd } from '../../src/sys/wait-exit.ts';

test('raw wait statuses decode like WIFEXITED / WIFSIGNALED', () => {
  assert.deepEqual(decodeWaitStatus(3 << 8), { code: 3, signal: null });
  assert.deepEqual(decodeWaitStatus(0), { code: 0, signal: null });
  assert.deepEqual(decodeWaitStatus(9), { code: null, signal: 'SIGKILL' });
  assert.deepEqual(decodeWaitStatus(15 | 0x80), { code: null, signal: 'SIGTERM' });
});

test('as subreaper, an orphaned grandchild is reaped with its status', async () => {
  assert.equal(becomeSubreaper(), true);
  // sh starts a grandchild and exits at once: the grandchild is orphaned onto this process.
  const child = spawn('sh', ['-c', '(sleep 0.3; exit 5) >/dev/null & echo $!'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise((resolve) => child.once('close', resolve));
  const pid = Number(out.trim());
  assert.ok(pid > 0);
  const start = readProcStat(pid)!.startTime;
  assert.equal(reapExited(pid, start), undefined, 'still running');
  assert.equal(await waitForExit(pid, 5000), true);
  assert.equal(reapExited(pid, start + 1), undefined, 'another start time: another process');
  assert.deepEqual(reapExited(pid, start), { code: 5, signal: null });
  // not ours (any more): nothing to reap
  assert.equal(reapExited(pid, start), undefined);
  assert.equal(reapExited(1, readProcStat(1)!.startTime), undefined);
});

/** An orphan of this (subreaper) process that ends after `script`; its pid. */
async function orphan(script: string): Promise<number> {
  const child = spawn('sh', ['-c', `(${script}) >/dev/null 2>&1 & echo $!`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise((resolve) => child.once('close', resolve));
  return Number(out.trim());
}

test('reapPidfd: the status of an exited child through its pidfd; a signal by name', async () => {
  assert.equal(becomeSubreaper(), true);
  const pid = await orphan('exec sleep 100');
  const start = readProcStat(pid)!.startTime;
  const fd = libc().pidfdOpen(pid, 0);
  assert.ok(fd >= 0);
  claimChild(pid);
  try {
    assert.equal(reapPidfd(fd, pid, start), undefined, 'still running');
    process.kill(pid, 'SIGTERM');
    assert.equal(await waitForPidfd(fd, 5000), true);
    assert.deepEqual(reapPidfd(fd, pid, start), { code: null, signal: 'SIGTERM' });
    assert.equal(reapPidfd(fd, pid, start), undefined, 'reaped once');
  } finally {
    unclaimChild(pid);
    closeSync(fd);
  }
});

test('the orphan sweep reaps unclaimed orphans, keeps their end for reapExited, and never takes a Node child', async () => {
  assert.equal(becomeSubreaper(), true);
  const stop = reapOrphans();
  try {
    // Node children that exit while the sweeps run: libuv must still see each one's status.
    const nodeChildren = Array.from(
      { length: 5 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          const c = spawn('sh', ['-c', `sleep 0.${i + 1}; exit ${10 + i}`], { stdio: 'ignore' });
          c.once('exit', (code) => resolve(code));
        }),
    );
    const pids = await Promise.all(Array.from({ length: 5 }, () => orphan('sleep 0.2; exit 4')));
    const starts = pids.map((pid) => readProcStat(pid)!.startTime);
    const held = await orphan('sleep 0.2; exit 6');
    const heldStart = readProcStat(held)!.startTime;
    claimChild(held);
    assert.deepEqual(await Promise.all(nodeChildren), [10, 11, 12, 13, 14]);
    for (const pid of [...pids, held]) assert.equal(await waitForExit(pid, 5000), true);
    // Each orphan's SIGCHLD swept it: no zombie left, but the claimed one waits for its owner.
    const zombies = () => childPids().filter((p) => readProcStat(p)?.state === 'Z');
    for (let i = 0; i < 50 && zombies().some((p) => p !== held); i++) await sleep(20);
    assert.deepEqual(zombies(), [held]);
    assert.deepEqual(reapExited(pids[0]!, starts[0]!), { code: 4, signal: null }, 'the sweep kept its end');
    assert.equal(reapExited(pids[0]!, starts[0]!), undefined, 'once');
    assert.equal(reapExited(pids[1]!, starts[1]! + 1), undefined, 'not for another start time');
    assert.deepEqual(reapExited(held, heldStart), { code: 6, signal: null });
    unclaimChild(held);
  } finally {
    stop();
  }
});

test('sweepOrphans leaves a running orphan alone', async () => {
  assert.equal(becomeSubreaper(), true);
  const pid = await orphan('sleep 0.3');
  assert.equal(sweepOrphans().has(pid), false);
  assert.equal(processExists(pid), true);
  assert.equal(await waitForExit(pid, 5000), true);
  assert.deepEqual(sweepOrphans().get(pid), { code: 0, signal: null });
});

test("a child another thread spawned is that thread's: the sweep never lists it, so its exit reaches that thread", {
  timeout: 30_000,
}, async () => {
  // The probe thread's `runc exec` is a child of the probe thread's task: libuv there waits for it.
  const worker = new Worker(
    `const { spawn } = require('node:child_process');
     const { parentPort } = require('node:worker_threads');
     const child = spawn('sleep', ['0.3']);
     child.on('spawn', () => parentPort.postMessage(child.pid));
     child.on('exit', (code) => parentPort.postMessage({ exit: code }));`,
    { eval: true },
  );
  // Every message is kept from the start, so none is lost before it is asked for.
  const messages: unknown[] = [];
  let wake: (() => void) | undefined;
  worker.on('message', (m: unknown) => {
    messages.push(m);
    wake?.();
  });
  const next = async (): Promise<unknown> => {
    while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return messages.shift();
  };
  try {
    const pid = (await next()) as number;
    assert.equal(childPids().includes(pid), false, 'not the main thread child');
    const mine = spawn('sleep', ['0.3']);
    await new Promise((resolve) => mine.once('spawn', resolve));
    assert.equal(childPids().includes(mine.pid!), true, 'a main-thread child is listed');
    assert.equal(await waitForExit(pid, 5000), true);
    // Whatever the sweep does now, the worker still learns its child's exit.
    sweepOrphans();
    assert.deepEqual(await next(), { exit: 0 });
    if (mine.exitCode === null) await new Promise((resolve) => mine.once('exit', resolve));
  } finally {
    await worker.terminate();
  }
});
