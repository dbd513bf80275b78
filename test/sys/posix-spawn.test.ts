import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawnChild } from '../../src/sys/posix-spawn.ts';
import { becomeSubreaper, reapOrphans } from '../../src/sys/reaper.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-posix-spawn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NULL_STDIO = ['ignore', 'ignore', 'ignore'] as const;
const env = { PATH: '/usr/bin:/bin' };

/** Run `script` under /bin/sh with stdout and stderr into files; its end and both outputs. */
async function sh(script: string, environment: NodeJS.ProcessEnv = env) {
  const outPath = join(dir, `out-${Math.random()}`);
  const errPath = join(dir, `err-${Math.random()}`);
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  try {
    const child = await spawnChild('/bin/sh', ['sh', '-c', script], environment, ['ignore', out, err]);
    assert.ok(child.pid > 0);
    const exit = await child.exited;
    return { exit, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

test('the exit code, and the descriptors given as stdout and stderr', async () => {
  const r = await sh('echo out; echo err >&2; exit 3');
  assert.deepEqual(r, { exit: { code: 3, signal: null }, stdout: 'out\n', stderr: 'err\n' });
});

test('a child killed by a signal ends with that signal', async () => {
  const r = await sh('kill -TERM $$');
  assert.deepEqual(r.exit, { code: null, signal: 'SIGTERM' });
});

test('stdin "ignore" is /dev/null; the environment is the one given, and only it', async () => {
  const r = await sh('read x; echo "read=$? FOO=$FOO HOME=$(printenv HOME || echo unset)"', {
    ...env,
    FOO: 'bar',
  });
  assert.equal(r.stdout, 'read=1 FOO=bar HOME=unset\n');
});

test('every signal is at its default and none blocked, although Node ignores SIGPIPE', async () => {
  const r = await sh("grep -E '^Sig(Ign|Blk):' /proc/self/status");
  assert.equal(r.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
});

test("bpm's close-on-exec descriptors do not reach the child", async () => {
  const fd = openSync(join(dir, 'held'), 'w');
  try {
    const r = await sh(`test -e /proc/self/fd/${fd} && echo leaked || echo closed`);
    assert.equal(r.stdout, 'closed\n');
  } finally {
    closeSync(fd);
  }
});

test("fd3: a copy of that descriptor is the child's fd 3, without close-on-exec; nothing else leaks", async () => {
  const held = join(dir, 'fd3');
  const fd = openSync(held, 'w'); // close-on-exec, as every descriptor Node opens
  try {
    const out = join(dir, 'fd3-out');
    const outFd = openSync(out, 'w');
    try {
      // The shell execs `readlink` so that the descriptor must survive an exec of the child's own.
      const script = `exec readlink /proc/self/fd/3 /proc/self/fd/${fd}`;
      const child = await spawnChild('/bin/sh', ['sh', '-c', script], env, ['ignore', outFd, 'ignore'], fd);
      assert.deepEqual(await child.exited, { code: 1, signal: null }, 'fd N itself is not there');
    } finally {
      closeSync(outFd);
    }
    assert.equal(readFileSync(out, 'utf8'), `${held}\n`);
  } finally {
    closeSync(fd);
  }
});

test('a program that cannot be started rejects with its errno (ENOENT, EACCES)', async () => {
  await assert.rejects(spawnChild(join(dir, 'missing'), ['missing'], env, NULL_STDIO), { code: 'ENOENT' });
  await assert.rejects(spawnChild(dir, ['dir'], env, NULL_STDIO), { code: 'EACCES' });
});

test('under a subreaper sweeping orphans on SIGCHLD, the child is still reaped here, with its status', async () => {
  assert.ok(becomeSubreaper());
  const stop = reapOrphans();
  try {
    const children = await Promise.all(
      Array.from({ length: 8 }, (_, i) => spawnChild('/bin/sh', ['sh', '-c', `exit ${i}`], env, NULL_STDIO)),
    );
    const ends = await Promise.all(children.map((c) => c.exited));
    assert.deepEqual(
      ends.map((e) => e.code),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
  } finally {
    stop();
  }
});

test('kill signals the child until it has been reaped; running says which, and a later kill does nothing', async () => {
  const child = await spawnChild('/bin/sleep', ['sleep', '100'], env, NULL_STDIO);
  assert.equal(child.running, true);
  child.kill('SIGTERM');
  assert.deepEqual(await child.exited, { code: null, signal: 'SIGTERM' });
  assert.equal(child.running, false);
  child.kill('SIGKILL');
});

test('a child that has exited but is not reaped yet stays killable without error (a zombie keeps its pid)', async () => {
  const child = await spawnChild('/bin/sh', ['sh', '-c', 'exit 7'], env, NULL_STDIO);
  // However soon the child exits, kill before the reap reaches it or its zombie, nothing else.
  child.kill('SIGKILL');
  const end = await child.exited;
  assert.ok(end.code === 7 || end.signal === 'SIGKILL', JSON.stringify(end));
});
