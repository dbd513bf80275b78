import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { cancellable, runcEnvironment, teed } from '../../src/runc/spawn.ts';
import { childPids } from '../../src/sys/reaper.ts';

/** A stream like bpm's stdout once the reader of its pipe went away (`bpm run JOB | head -1`). */
function brokenPipe(): Writable {
  return new Writable({
    write(_chunk, _enc, callback) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  });
}

test('a broken stdout/stderr neither crashes bpm nor stops the relay to the log files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-teed-'));
  const out = openSync(join(dir, 'out.log'), 'a');
  const err = openSync(join(dir, 'err.log'), 'a');
  try {
    const exit = await teed('/bin/sh', ['-c', 'seq 1 20000; seq 1 3 >&2; exit 4'], {
      stdoutLog: out,
      stderrLog: err,
      stdout: brokenPipe(),
      stderr: brokenPipe(),
    });
    assert.deepEqual(exit, { code: 4, signal: null });
    assert.equal(readFileSync(join(dir, 'out.log'), 'utf8').split('\n').length, 20001);
    assert.equal(readFileSync(join(dir, 'err.log'), 'utf8'), '1\n2\n3\n');
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runc never gets NOTIFY_SOCKET (it would bind the socket into the container); the rest stays', () => {
  const env = { PATH: '/bin', NOTIFY_SOCKET: '/run/systemd/notify' };
  assert.deepEqual(runcEnvironment(env), { PATH: '/bin' });
  assert.equal(env.NOTIFY_SOCKET, '/run/systemd/notify', 'the caller’s environment is not changed');
  const plain = { PATH: '/bin' };
  assert.equal(runcEnvironment(plain), plain);
});

test("cancellable: posix_spawn's child, off the main thread's children; an abort hands it over to be ended", async () => {
  const abort = new AbortController();
  let pid = 0;
  const ended = cancellable('/bin/sleep', ['100'], abort.signal, (child) => {
    assert.equal(child.running, true);
    pid = child.pid;
    child.kill('SIGKILL');
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  abort.abort();
  assert.deepEqual(await ended, { code: null, signal: 'SIGKILL' });
  assert.ok(pid > 0);
  assert.ok(!childPids().includes(pid), 'never a main-thread child the orphan sweep could take');
});

test('cancellable: an abort before the start ends the child at once; a start failure is a RuncError', async () => {
  const abort = new AbortController();
  abort.abort();
  const end = await cancellable('/bin/sleep', ['100'], abort.signal, (child) => child.kill('SIGKILL'));
  assert.deepEqual(end, { code: null, signal: 'SIGKILL' });
  await assert.rejects(
    cancellable('/nonexistent/runc', [], new AbortController().signal, () => {}),
    {
      name: 'RuncError',
    },
  );
});
