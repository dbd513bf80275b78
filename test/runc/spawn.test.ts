import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { RuncClient } from '../../src/runc/client.ts';
import { cancellable, captureApart, captureCombined, runcEnvironment, teed } from '../../src/runc/spawn.ts';
import { interpretState } from '../../src/runc/state.ts';
import { childPids } from '../../src/sys/reaper.ts';
import { HOST_RUNC } from '../helpers/bosh-root.ts';
import { needsRoot } from '../helpers/needs-root.ts';

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

// The captured calls (`runc state`, `runc list`): posix_spawn with anonymous files as stdout and
// stderr, read once the program has exited.

const sh = (script: string): [string, string[]] => ['/bin/sh', ['-c', script]];

test('captureCombined: stdout and stderr in one output, in the order they were written; stdin is /dev/null', async () => {
  assert.deepEqual(await captureCombined(...sh('echo a; echo b >&2; echo c')), {
    exit: { code: 0, signal: null },
    output: Buffer.from('a\nb\nc\n'),
  });
  const r = await captureCombined(...sh('read x; echo "read=$?"'));
  assert.equal(r.output.toString(), 'read=1\n');
});

test('captureApart: stdout and stderr each on its own', async () => {
  assert.deepEqual(await captureApart(...sh('echo a; echo b >&2; echo c')), {
    exit: { code: 0, signal: null },
    stdout: Buffer.from('a\nc\n'),
    stderr: Buffer.from('b\n'),
  });
});

test('captured calls report the exit status or the signal, with the output written before it', async () => {
  assert.deepEqual(await captureCombined(...sh('echo partial; exit 7')), {
    exit: { code: 7, signal: null },
    output: Buffer.from('partial\n'),
  });
  const killed = await captureApart(...sh('echo before >&2; kill -KILL $$'));
  assert.deepEqual(killed, {
    exit: { code: null, signal: 'SIGKILL' },
    stdout: Buffer.alloc(0),
    stderr: Buffer.from('before\n'),
  });
});

test('captured output larger than a pipe holds many times over (3 MiB) is read whole', async () => {
  const script = 'head -c 3145728 /dev/zero | tr "\\0" x; echo; echo end >&2';
  const apart = await captureApart(...sh(script));
  assert.equal(apart.stdout.length, 3 * 1024 * 1024 + 1);
  assert.ok(apart.stdout.subarray(0, -1).every((b) => b === 0x78));
  assert.equal(apart.stderr.toString(), 'end\n');
  const combined = await captureCombined(...sh(script));
  assert.equal(combined.output.length, 3 * 1024 * 1024 + 1 + 4);
  assert.equal(combined.output.subarray(-5).toString(), '\nend\n');
});

test('a program that cannot be started is a RuncError in Go’s fork/exec words, and leaves no descriptor open', async () => {
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const before = fds();
  await assert.rejects(captureCombined('/nonexistent/runc', ['state', 'x']), {
    name: 'RuncError',
    message: 'fork/exec /nonexistent/runc: no such file or directory',
  });
  const dir = mkdtempSync(join(tmpdir(), 'bpm-capture-'));
  try {
    const plain = join(dir, 'runc');
    writeFileSync(plain, '#!/bin/sh\n', { mode: 0o644 });
    await assert.rejects(captureApart(plain, ['list']), {
      name: 'RuncError',
      message: `fork/exec ${plain}: permission denied`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await captureApart(...sh('echo x; echo y >&2'));
  assert.equal(fds(), before, 'the anonymous files are closed whichever way the call ended');
});

test('captured calls are posix_spawn children (no fork of bpm) and never get NOTIFY_SOCKET', async () => {
  const saved = process.env['NOTIFY_SOCKET'];
  process.env['NOTIFY_SOCKET'] = '/run/systemd/notify';
  try {
    const { output } = await captureCombined(...sh('echo "$(printenv NOTIFY_SOCKET || echo unset) $$"'));
    const [notify, pid] = output.toString().trim().split(' ');
    assert.equal(notify, 'unset');
    assert.ok(Number(pid) > 0);
    assert.ok(!childPids().includes(Number(pid)), 'not a child of the main thread');
  } finally {
    if (saved === undefined) delete process.env['NOTIFY_SOCKET'];
    else process.env['NOTIFY_SOCKET'] = saved;
  }
});

// With the real runc: what RuncClient.state and list read from it.
const noRunc =
  needsRoot('runc reads its state root') || (existsSync(HOST_RUNC) ? false : `needs ${HOST_RUNC}`);

test('real runc: state of a missing container is its JSON log line on the combined output', {
  skip: noRunc,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'bpm-capture-runc-'));
  try {
    const { exit, output } = await captureCombined(HOST_RUNC, [
      '--root',
      root,
      '--log-format',
      'json',
      'state',
      'bpm-nope',
    ]);
    assert.deepEqual(exit, { code: 1, signal: null });
    assert.match(
      output.toString(),
      /^\{"level":"error","msg":"container does not exist","time":"[^"]+"\}\n$/,
    );
    assert.deepEqual(interpretState(exit, output), { exists: false });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('real runc: list of an empty root is none; a broken entry is a warning on stderr, kept apart', {
  skip: noRunc,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'bpm-capture-runc-'));
  try {
    const client = new RuncClient({ binary: HOST_RUNC, root, systemdCgroup: false });
    assert.deepEqual(await client.list(), []);
    mkdirSync(join(root, 'bpm-broken'));
    writeFileSync(join(root, 'bpm-broken', 'state.json'), '{}');
    const r = await captureApart(HOST_RUNC, ['--root', root, 'list', '--format', 'json']);
    assert.deepEqual(r.exit, { code: 0, signal: null });
    assert.equal(r.stdout.toString(), 'null\n');
    assert.match(r.stderr.toString(), /load container bpm-broken: /);
    assert.deepEqual(await client.list(), []);
    await assert.rejects(client.state('bpm-broken'), { name: 'RuncError', message: 'exit status 1' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
