// `bpm logs` through bin/bpm with real GNU tail (docs/behaviour/commands.md §7).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { logFiles, NO_TIMESTAMPS, tailArgs } from '../../src/commands/logs.ts';
import type { Invocation } from '../../src/commands/types.ts';
import { BPM, bpm, ensureBuilt, tempBoshRoot } from '../cli/run-bpm.ts';

const notRoot = process.getuid?.() === 0 ? false : 'bpm requires root';
const tmp = tempBoshRoot();
after(tmp.cleanup);
const env = tmp.env;
const logDir = join(tmp.root, 'sys', 'log', 'web');
const out = join(logDir, 'web.stdout.log');
const err = join(logDir, 'web.stderr.log');
const lines = (prefix: string, n: number): string =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}\n`).join('');

mkdirSync(logDir, { recursive: true });
writeFileSync(out, lines('out', 40));
writeFileSync(err, lines('err', 5));
writeFileSync(join(logDir, 'worker.stdout.log'), 'worker line\n');

function inv(flags: Invocation['flags'], proc = 'web'): Invocation {
  return { job: 'web', process: proc, args: ['web'], flags, root: new RootPaths('/R') };
}

test('tail argv keeps upstream order and the single "-n N" element', () => {
  const i = inv({ follow: true, quiet: true, lines: 7, all: true, err: false });
  assert.deepEqual(logFiles(i), ['/R/sys/log/web/web.stdout.log', '/R/sys/log/web/web.stderr.log']);
  assert.deepEqual(tailArgs(i, logFiles(i)), [
    '-f',
    '-q',
    '-n 7',
    '/R/sys/log/web/web.stdout.log',
    '/R/sys/log/web/web.stderr.log',
  ]);
  assert.deepEqual(logFiles(inv({ err: true }, 'w')), ['/R/sys/log/web/w.stderr.log']);
  assert.deepEqual(tailArgs(inv({ lines: 25 }), ['f']), ['-n 25', 'f']);
});

test('default: last 25 lines of stdout, then an empty line', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['logs', 'web'], { env }), {
    code: 0,
    stdout: `${lines('out', 40).split('\n').slice(15, 40).join('\n')}\n\n`,
    stderr: '',
  });
});

test('-n, -e, -p', { skip: notRoot }, () => {
  assert.equal(bpm(['logs', 'web', '-n', '2'], { env }).stdout, 'out 39\nout 40\n\n');
  assert.equal(bpm(['logs', '-n2', 'web', '-e'], { env }).stdout, 'err 4\nerr 5\n\n');
  assert.equal(bpm(['logs', 'web', '-pworker'], { env }).stdout, 'worker line\n\n');
});

test('-a shows both files with headers; -q drops them', { skip: notRoot }, () => {
  assert.equal(
    bpm(['logs', 'web', '-a', '-n', '1'], { env }).stdout,
    `==> ${out} <==\nout 40\n\n==> ${err} <==\nerr 5\n\n`,
  );
  assert.equal(bpm(['logs', 'web', '-aq', '--lines=1'], { env }).stdout, 'out 40\nerr 5\n\n');
});

test('logs not found when any selected file is missing, naming what is missing', { skip: notRoot }, () => {
  const missing = (...files: string[]) => ({
    code: 1,
    stdout: '',
    stderr: `Error: logs not found: no ${files.join(', no ')}\n`,
  });
  const nojob = join(tmp.root, 'sys', 'log', 'nojob', 'nojob.stdout.log');
  assert.deepEqual(bpm(['logs', 'nojob'], { env }), missing(nojob));
  assert.deepEqual(
    bpm(['logs', 'web', '-p', 'worker', '-a'], { env }),
    missing(join(logDir, 'worker.stderr.log')),
  );
  assert.deepEqual(
    bpm(['logs', 'web', '-p', 'nope', '-a'], { env }),
    missing(join(logDir, 'nope.stdout.log'), join(logDir, 'nope.stderr.log')),
  );
});

test('tail failing or missing', { skip: notRoot }, () => {
  // A directory where the log file should be: tail itself fails.
  mkdirSync(join(logDir, 'dir.stdout.log'));
  const r = bpm(['logs', 'web', '-p', 'dir'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Is a directory\n(.*\n)*Error: exit status 1\n$/);
  assert.equal(r.stdout, '');
  // A PATH with the launcher's readlink but no tail.
  const bin = join(tmp.root, 'bin-without-tail');
  mkdirSync(bin);
  symlinkSync('/usr/bin/readlink', join(bin, 'readlink'));
  assert.deepEqual(bpm(['logs', 'web'], { env: { ...env, PATH: bin } }), {
    code: 1,
    stdout: '',
    stderr: 'Error: exec: "tail": executable file not found in $PATH\n',
  });
});

/** Start `bpm logs … -f` and collect its stdout. */
function follow(args: string[]) {
  ensureBuilt();
  // Own process group, so that cleanup can kill bpm and its tail together.
  const child = spawn(BPM, ['logs', 'web', '-f', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (text: string, ms = 10_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!stdout.includes(text)) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(stdout)} / ${stderr}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const killAll = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  };
  return { child, exited, waitFor, killAll, out: () => stdout, err: () => stderr };
}

test('-f sees appended lines, survives truncation, and SIGINT ends with an empty line, exit 0', {
  skip: notRoot,
}, async () => {
  const file = join(logDir, 'follow.stdout.log');
  writeFileSync(file, 'before\n');
  const f = follow(['-p', 'follow', '-n', '5']);
  try {
    await f.waitFor('before\n');
    appendFileSync(file, 'appended 1\n');
    await f.waitFor('appended 1\n');
    // copytruncate-style rotation: the file is emptied and the writer keeps appending.
    truncateSync(file, 0);
    await new Promise((r) => setTimeout(r, 300));
    appendFileSync(file, 'after truncation\n');
    await f.waitFor('after truncation\n');
    f.child.kill('SIGINT');
    assert.deepEqual(await f.exited, { code: 0, signal: null });
    assert.ok(f.out().endsWith('after truncation\n\n'), JSON.stringify(f.out()));
    assert.match(f.err(), /file truncated/);
  } finally {
    f.killAll();
  }
});

// Kept as upstream on purpose (docs/compatibility.md): exit statuses are contract, and a follower
// stopped by SIGTERM (`timeout 5 bpm logs -f`) reporting non-zero is what such callers expect.
test('-f: SIGTERM is forwarded to tail; bpm reports it and exits 1', { skip: notRoot }, async () => {
  const f = follow(['-n', '1']);
  try {
    await f.waitFor('out 40\n');
    f.child.kill('SIGTERM');
    assert.deepEqual(await f.exited, { code: 1, signal: null });
    assert.equal(f.err(), 'Error: signal: terminated\n');
    assert.equal(f.out(), 'out 40\n');
  } finally {
    f.killAll();
  }
});

// Issue #10 item 8: bpm logs runs as root, the job owns its log directory. A log file the job
// replaced with a symlink (say, to a root-only file) must not be followed — not when bpm looks,
// and not a moment later when tail opens it.
const secret = join(tmp.root, 'root-only-secret');
writeFileSync(secret, 'SECRET-ROOT-ONLY\n', { mode: 0o600 });

test('a log file replaced by a symlink is refused with one line, never shown', { skip: notRoot }, () => {
  const linked = join(logDir, 'linked.stdout.log');
  symlinkSync(secret, linked);
  assert.deepEqual(bpm(['logs', 'web', '-p', 'linked'], { env }), {
    code: 1,
    stdout: '',
    stderr: `Error: refusing to open symlink at ${linked}: too many levels of symbolic links\n`,
  });
  const linkedErr = join(logDir, 'web2.stderr.log');
  writeFileSync(join(logDir, 'web2.stdout.log'), 'fine\n');
  symlinkSync(secret, linkedErr);
  const all = bpm(['logs', 'web', '-p', 'web2', '-a'], { env });
  assert.equal(all.code, 1);
  assert.equal(all.stdout, '');
  assert.equal(
    all.stderr,
    `Error: refusing to open symlink at ${linkedErr}: too many levels of symbolic links\n`,
  );
});

test('a job swapping its log file with a symlink never gets tail to print the target', {
  skip: notRoot,
}, async () => {
  const file = join(logDir, 'race.stdout.log');
  writeFileSync(file, 'plain line\n');
  // The job's side: flip the name between its log file and a symlink to the secret, as fast as it can.
  const flipper = `
    const fs = require('node:fs');
    const file = ${JSON.stringify(file)};
    fs.writeFileSync(file + '.real', 'plain line\\n');
    try { fs.unlinkSync(file + '.link'); } catch {}
    fs.symlinkSync(${JSON.stringify(secret)}, file + '.link');
    process.stdout.write('ready\\n');
    for (;;) {
      fs.linkSync(file + '.link', file + '.tmp'); fs.renameSync(file + '.tmp', file);
      fs.linkSync(file + '.real', file + '.tmp'); fs.renameSync(file + '.tmp', file);
    }`;
  const child = spawn(process.execPath, ['-e', flipper], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const trials = 20;
    let leaked = 0;
    for (let i = 0; i < trials; i++) {
      const r = await bpmAsync(['logs', 'web', '-p', 'race', '-n', '1']);
      if (r.stdout.includes('SECRET')) leaked += 1;
      else if (r.stdout !== 'plain line\n\n')
        // Caught as a symlink, or replaced each time bpm tried to pin it: refused either way.
        assert.match(
          r.stderr,
          /^Error: (refusing to open symlink at .*race\.stdout\.log: too many levels of symbolic links|failed to pin the log files in .*: they were replaced 5 times while bpm opened them)\n$/,
        );
    }
    assert.equal(leaked, 0, `tail printed the symlink's target in ${leaked} of ${trials} runs`);
  } finally {
    child.kill('SIGKILL');
  }
});

/** bin/bpm without blocking the event loop (the flipper above must keep running). */
function bpmAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve) => {
    const child = spawn(BPM, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Issue #13 item 9: one merged stream, and why there are no timestamps (docs/operator-logs.md).
test('--timestamps is refused with the reason, in one line; help stays upstream', { skip: notRoot }, () => {
  assert.deepEqual(bpm(['logs', 'web', '--timestamps'], { env }), {
    code: 1,
    stdout: '',
    stderr: `Error: ${NO_TIMESTAMPS}\n`,
  });
  assert.doesNotMatch(bpm(['logs', '-h'], { env }).stdout, /timestamps/);
});

test('-a -f -q: stdout and stderr in one stream, in the order they were written', {
  skip: notRoot,
}, async () => {
  const mixOut = join(logDir, 'mix.stdout.log');
  const mixErr = join(logDir, 'mix.stderr.log');
  writeFileSync(mixOut, 'old out\n');
  writeFileSync(mixErr, 'old err\n');
  const f = follow(['-p', 'mix', '-a', '-q', '-n', '1']);
  try {
    // The backlog cannot be ordered (the files hold no times): stdout's lines, then stderr's.
    await f.waitFor('old out\nold err\n');
    const writes: Array<[string, string]> = [
      [mixOut, 'out 1\n'],
      [mixErr, 'err 1\n'],
      [mixErr, 'err 2\n'],
      [mixOut, 'out 2\n'],
      [mixErr, 'err 3\n'],
    ];
    for (const [file, line] of writes) {
      appendFileSync(file, line);
      await new Promise((r) => setTimeout(r, 150));
    }
    await f.waitFor('err 3\n');
    assert.equal(f.out(), `old out\nold err\n${writes.map(([, l]) => l).join('')}`);
  } finally {
    f.killAll();
  }
});
