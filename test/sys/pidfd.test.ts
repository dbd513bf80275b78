import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync } from 'node:fs';
import { test } from 'node:test';
import { openLiveProcess, parseProcStat, readProcStat, signalPidfd } from '../../src/sys/pidfd.ts';
import { waitForPidfd } from '../../src/sys/wait-exit.ts';

test('parseProcStat takes state, fields 4 and 6 and field 22 after the last parenthesis', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  fields[19] = '208447';
  assert.deepEqual(parseProcStat(`42 (a) b) (c) ${fields.join(' ')}`), {
    state: 'S',
    ppid: 4,
    session: 6,
    startTime: 208447,
  });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('1 (x) S 2 3'), undefined);
});

test('openLiveProcess: a live child with its start time; refuses a wrong start time', async () => {
  const child = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const pid = child.pid!;
  const stat = readProcStat(pid)!;
  assert.equal(openLiveProcess(pid, stat.startTime + 1), undefined);
  const fd = openLiveProcess(pid, stat.startTime)!;
  assert.ok(fd >= 0);
  try {
    // Listen before signalling: under load libuv can reap the child and emit 'exit' while
    // waitForPidfd is still resolving, and a later once() would then wait forever.
    const exited = once(child, 'exit');
    signalPidfd(fd, 'SIGTERM');
    assert.equal(await waitForPidfd(fd, 5000), true);
    await exited;
    // Reaped: signalling through the pidfd now fails with ESRCH, never hits a recycled pid.
    assert.throws(() => signalPidfd(fd, 'SIGTERM'), { code: 'ESRCH' });
  } finally {
    closeSync(fd);
  }
  assert.equal(openLiveProcess(pid, stat.startTime), undefined);
});

test('waitForPidfd gives up at the deadline', async () => {
  const child = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const fd = openLiveProcess(child.pid!, readProcStat(child.pid!)!.startTime)!;
  try {
    assert.equal(await waitForPidfd(fd, 50), false);
  } finally {
    closeSync(fd);
    child.kill('SIGKILL');
  }
});
