// The runc command lines, checked against a stand-in runc that records its argv and stdio.
import assert from 'node:assert/strict';
import {
  chmodSync,
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
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { failureText, RuncClient } from '../../src/runc/client.ts';
import { eventually } from '../helpers/bosh-root.ts';

const dir = mkdtempSync(join(tmpdir(), 'bpm-runc-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const argvFile = join(dir, 'argv');
const fd3File = join(dir, 'fd3');
const fake = join(dir, 'runc');
// Behaviour chosen by FAKE_MODE; argv is recorded one per line, and what its fd 3 is, if open.
writeFileSync(
  fake,
  `#!/bin/sh
readlink /proc/self/fd/3 > ${fd3File} 2>/dev/null
printf '%s\\n' "$@" > ${argvFile}
pidfile=; prev=; for a in "$@"; do [ "$prev" = --pid-file ] && pidfile=$a; prev=$a; done
case "$FAKE_MODE" in
  missing) echo '{"level":"error","msg":"container does not exist","time":"t"}' >&2; exit 1 ;;
  state) echo '{"id":"bpm-web","pid":77,"status":"running"}' ;;
  list) echo 'log line on stderr' >&2; echo '[{"id":"bpm-web","pid":77,"status":"running"}]' ;;
  vanish)
    n=$(cat ${dir}/vanish-count 2>/dev/null || echo 0); echo $((n + 1)) > ${dir}/vanish-count
    if [ "$n" -lt "$VANISH_TIMES" ]; then
      echo 'time="t" level=error msg="stat '"$2"'/bpm-gone: no such file or directory"' >&2; exit 1
    fi
    echo '[]' ;;
  tee) echo out; echo err >&2; exit 6 ;;
  fds) echo to-stdout-log; echo to-stderr-log >&2 ;;
  fail) exit 3 ;;
  # The pid file is written by the session leader itself, as runc names a process that already runs.
  hang) setsid /bin/sh -c 'echo $$ > "$1"; sleep 1001.${process.pid} & sleep 999' sh "$pidfile" & wait ;;
  slowsetup)
    sleep 0.4
    setsid /bin/sh -c 'echo $$ > "$1"; sleep 1002.${process.pid} & sleep 999' sh "$pidfile" & wait ;;
  runcfail)
    while [ "$1" != --log ]; do shift; done
    echo '{"level":"warning","msg":"a warning","time":"t"}' >> "$2"
    echo '{"level":"error","msg":"runc run failed: unable to start container process: error during container init: error mounting \\"/x\\": no such file or directory","time":"t"}' >> "$2"
    echo 'runc run failed: plain text' >&2
    exit 1 ;;
esac
exit 0
`,
);
chmodSync(fake, 0o755);
const root = join(dir, 'runc-root');
const runcLog = join(dir, 'runc.log');
/** The global flags start and run add for runc's own error (after --root). */
const LOG_FLAGS = ['--log', runcLog, '--log-format', 'json'];

function client(systemd = false): RuncClient {
  return new RuncClient({ binary: fake, root, systemdCgroup: systemd });
}
function argv(): string[] {
  return readFileSync(argvFile, 'utf8').trimEnd().split('\n');
}
function mode(m: string): void {
  process.env['FAKE_MODE'] = m;
}

test('state without a state file does not spawn runc', async () => {
  rmSync(argvFile, { force: true });
  assert.deepEqual(await client().state('bpm-web'), { exists: false });
  assert.throws(() => readFileSync(argvFile));
});

test('state with a state file asks runc, log format json', async () => {
  mkdirSync(join(root, 'bpm-web'), { recursive: true });
  writeFileSync(join(root, 'bpm-web', 'state.json'), '{}');
  mode('state');
  assert.deepEqual(await client().state('bpm-web'), {
    exists: true,
    state: { id: 'bpm-web', pid: 77, status: 'running' },
  });
  assert.deepEqual(argv(), ['--root', root, '--log-format', 'json', 'state', 'bpm-web']);
  mode('missing');
  assert.deepEqual(await client(true).state('bpm-web'), { exists: false });
  assert.deepEqual(argv(), ['--root', root, '--systemd-cgroup', '--log-format', 'json', 'state', 'bpm-web']);
});

test('list discards stderr', async () => {
  mode('list');
  assert.deepEqual(await client().list(), [{ id: 'bpm-web', pid: 77, status: 'running' }]);
  assert.deepEqual(argv(), ['--root', root, 'list', '--format', 'json']);
});

test('list asks runc again when a container vanished while runc listed, a few times at most', async () => {
  const count = join(dir, 'vanish-count');
  mode('vanish');
  process.env['VANISH_TIMES'] = '2';
  rmSync(count, { force: true });
  assert.deepEqual(await client().list(), []);
  assert.equal(readFileSync(count, 'utf8').trim(), '3', 'two failures, then the answer');
  process.env['VANISH_TIMES'] = '99';
  rmSync(count, { force: true });
  await assert.rejects(client().list(), { message: 'exit status 1' });
  assert.equal(readFileSync(count, 'utf8').trim(), '5', 'five attempts in all');
  mode('fail');
  await assert.rejects(client().list(), { message: 'exit status 3' });
  delete process.env['VANISH_TIMES'];
});

test('kill and delete --force; failures are exit statuses', async () => {
  mode('ok');
  await client().kill('bpm-web', 'TERM');
  assert.deepEqual(argv(), ['--root', root, 'kill', 'bpm-web', 'TERM']);
  await client().delete('bpm-web');
  assert.deepEqual(argv(), ['--root', root, 'delete', '--force', 'bpm-web']);
  mode('fail');
  await assert.rejects(client().kill('bpm-web', 'QUIT'), { message: 'exit status 3' });
});

test('detached run hands the log fds to runc', async () => {
  mode('fds');
  const outPath = join(dir, 'out.log');
  const errPath = join(dir, 'err.log');
  const out = openSync(outPath, 'a');
  const err = openSync(errPath, 'a');
  try {
    await client().runDetached({
      cid: 'bpm-web',
      bundle: '/b',
      pidFile: '/p.pid',
      stdoutFd: out,
      stderrFd: err,
      logFile: runcLog,
    });
  } finally {
    closeSync(out);
    closeSync(err);
  }
  assert.deepEqual(argv(), [
    '--root',
    root,
    ...LOG_FLAGS,
    'run',
    '--bundle',
    '/b',
    '--pid-file',
    '/p.pid',
    '--detach',
    'bpm-web',
  ]);
  assert.equal(readFileSync(outPath, 'utf8'), 'to-stdout-log\n');
  assert.equal(readFileSync(errPath, 'utf8'), 'to-stderr-log\n');
});

test('foreground run tees output to logs and streams and reports the exit', async () => {
  mode('tee');
  const outPath = join(dir, 'tee-out.log');
  const errPath = join(dir, 'tee-err.log');
  const out = openSync(outPath, 'a');
  const err = openSync(errPath, 'a');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const seen: string[] = [];
  stdout.on('data', (c: Buffer) => seen.push(`1:${c}`));
  stderr.on('data', (c: Buffer) => seen.push(`2:${c}`));
  const exit = await client().runForeground({
    cid: 'bpm-web',
    bundle: '/b',
    tee: { stdoutLog: out, stderrLog: err, stdout, stderr },
    logFile: runcLog,
  });
  closeSync(out);
  closeSync(err);
  // exit 6 with nothing in runc's log: the process's own status, no runc reason
  assert.deepEqual(exit, { code: 6, signal: null, runcError: undefined });
  assert.deepEqual(argv(), ['--root', root, ...LOG_FLAGS, 'run', '--bundle', '/b', 'bpm-web']);
  assert.equal(readFileSync(outPath, 'utf8'), 'out\n');
  assert.equal(readFileSync(errPath, 'utf8'), 'err\n');
  assert.deepEqual(seen.sort(), ['1:out\n', '2:err\n']);
});

test('lockFd: run --detach, kill and delete get the lock as their fd 3; state, list, a foreground run and exec do not', async () => {
  const lockFile = join(dir, 'job.lock');
  const lockFd = openSync(lockFile, 'w');
  const log = openSync(join(dir, 'lockfd.log'), 'a');
  const locked = new RuncClient({ binary: fake, root, systemdCgroup: false, lockFd });
  const fd3 = async (call: () => Promise<unknown>): Promise<string> => {
    writeFileSync(fd3File, 'not run');
    await call();
    return readFileSync(fd3File, 'utf8').trim();
  };
  try {
    mode('ok');
    const detached = {
      cid: 'bpm-web',
      bundle: '/b',
      pidFile: '/p.pid',
      stdoutFd: log,
      stderrFd: log,
      logFile: runcLog,
    };
    assert.equal(await fd3(() => locked.runDetached(detached)), lockFile);
    assert.equal(await fd3(() => locked.kill('bpm-web', 'TERM')), lockFile);
    assert.equal(await fd3(() => locked.delete('bpm-web')), lockFile);
    assert.equal(await fd3(() => client().delete('bpm-web')), '', 'without lockFd, no fd 3');
    mkdirSync(join(root, 'bpm-web'), { recursive: true });
    writeFileSync(join(root, 'bpm-web', 'state.json'), '{}');
    mode('state');
    assert.equal(await fd3(() => locked.state('bpm-web')), '');
    mode('list');
    assert.equal(await fd3(() => locked.list()), '');
    mode('tee');
    const out = new PassThrough().resume();
    const tee = { stdoutLog: log, stderrLog: log, stdout: out, stderr: out };
    assert.equal(
      await fd3(() => locked.runForeground({ cid: 'bpm-web', bundle: '/b', tee, logFile: runcLog })),
      '',
    );
    mode('ok');
    assert.equal(await fd3(() => locked.execProbe('bpm-web', ['true'], new AbortController().signal)), '');
  } finally {
    closeSync(log);
    closeSync(lockFd);
  }
});

test('a missing runc is a fork/exec error', async () => {
  const missing = new RuncClient({ binary: join(dir, 'nope'), root, systemdCgroup: false });
  await assert.rejects(missing.list(), {
    message: `fork/exec ${join(dir, 'nope')}: no such file or directory`,
  });
  await assert.rejects(missing.state('bpm-web'), /^Error: fork\/exec|fork\/exec/);
});

test('a failed run carries the reason runc logged, from this run only', async () => {
  writeFileSync(runcLog, '{"level":"error","msg":"an earlier run failed","time":"t"}\n');
  mode('runcfail');
  const errPath = join(dir, 'fail-err.log');
  const err = openSync(errPath, 'a');
  try {
    await assert.rejects(
      client().runDetached({
        cid: 'bpm-web',
        bundle: '/b',
        pidFile: '/p.pid',
        stdoutFd: err,
        stderrFd: err,
        logFile: runcLog,
      }),
      { message: 'exit status 1: runc: error mounting "/x": no such file or directory' },
    );
  } finally {
    closeSync(err);
  }
  // runc's stderr still goes to the process's stderr log
  assert.match(readFileSync(errPath, 'utf8'), /runc run failed: plain text/);
  const out = new PassThrough();
  const end = await client().runForeground({
    cid: 'bpm-web',
    bundle: '/b',
    tee: {
      stdoutLog: openSync(join(dir, 'f1'), 'a'),
      stderrLog: openSync(join(dir, 'f2'), 'a'),
      stdout: out,
      stderr: out,
    },
    logFile: runcLog,
  });
  assert.deepEqual(end, {
    code: 1,
    signal: null,
    runcError: 'error mounting "/x": no such file or directory',
  });
  assert.equal(
    failureText(end, end.runcError),
    'exit status 1: runc: error mounting "/x": no such file or directory',
  );
  assert.equal(failureText({ code: 1, signal: null }, undefined), 'exit status 1');
});

test("execProbe: runc exec CID ARGV with no stdio; resolves with the command's status", async () => {
  mode('fail');
  const end = await client().execProbe('bpm-web', ['/bin/check', '-q'], new AbortController().signal);
  const args = argv();
  assert.match(args[4] ?? '', /^\/.*\/bpm-exec-[^/]+\/pid$/, 'a pid file in a fresh directory');
  assert.deepEqual(args, ['--root', root, 'exec', '--pid-file', args[4], 'bpm-web', '/bin/check', '-q']);
  assert.equal(existsSync(dirname(args[4]!)), false, 'its directory is removed');
  assert.deepEqual(end, { code: 3, signal: null });
});

test("execProbe: an abort kills the command's process tree; runc then ends", async () => {
  mode('hang');
  const abort = new AbortController();
  const pending = client().execProbe('bpm-web', ['sleep'], abort.signal);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const t0 = performance.now();
  abort.abort();
  const end = await pending;
  assert.ok(performance.now() - t0 < 2_000, 'ended soon after the abort');
  assert.equal(end.signal, null, 'runc ended by itself once its child was gone');
  // SIGKILLed, but under load a victim may not have run its exit yet when runc's wait returned
  assert.ok(await goneSoon(`sleep 1001.${process.pid}`), 'the command and what it started are gone');
});

test('execProbe: an abort while runc still sets the process up ends the command once runc names it', async () => {
  mode('slowsetup');
  const abort = new AbortController();
  const pending = client().execProbe('bpm-web', ['sleep'], abort.signal);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const t0 = performance.now();
  abort.abort(); // during the set-up: only the fake's `sleep 0.4` runs
  const end = await pending;
  assert.ok(performance.now() - t0 < 2_000, 'ended soon after the command existed');
  assert.equal(end.signal, null, 'runc ended by itself once the command was gone');
  assert.ok(await goneSoon(`sleep 1002.${process.pid}`), 'the command did not outlive the abort');
});

/** Whether no process runs `cmdline` within 2 s (the sleeps it names would last 1,000 s). */
async function goneSoon(cmdline: string): Promise<boolean> {
  return eventually(() => processesNamed(cmdline).length === 0, 2000);
}

/** Live processes whose command line is `cmdline`. */
function processesNamed(cmdline: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0').join(' ').trim() === cmdline;
      } catch {
        return false;
      }
    })
    .map(Number);
}
