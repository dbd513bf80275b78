// `bpm trace` and `bpm shell` (docs/behaviour/commands.md §8) against real runc containers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { straceArgs } from '../../src/commands/trace.ts';
import { BPM, bpm } from '../cli/run-bpm.ts';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason() ?? false;
let r: BoshRoot;
let job = '';

before(async () => {
  if (skip !== false) return;
  r = BoshRoot.create();
  job = r.uniqueJob('tr');
  r.addJob(
    job,
    { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
    { run: '#!/bin/sh\nexec sleep 1000\n' },
  );
  const started = await r.bpm('start', job);
  assert.equal(started.code, 0, started.stderr);
});

after(async () => {
  if (skip === false) await r.cleanup();
});

test('strace argv', () => {
  assert.deepEqual(straceArgs([42]), ['-s', '100', '-f', '-y', '-yy', '-p', '42']);
  assert.deepEqual(straceArgs([42, 50]), ['-s', '100', '-f', '-y', '-yy', '-p', '42', '-p', '50']);
});

test('not running: the same error as bpm pid', { skip }, () => {
  const env = { ...process.env, BPM_BOSH_ROOT: r.root };
  for (const cmd of ['trace', 'pid']) {
    assert.deepEqual(bpm([cmd, 'no-such-job'], { env }), {
      code: 1,
      stdout: '',
      stderr: 'Error: process is not running or could not be found\n',
    });
  }
});

test('shell without a terminal: one clear line, exit 1', { skip }, () => {
  const env = { ...process.env, BPM_BOSH_ROOT: r.root };
  assert.deepEqual(bpm(['shell', job], { env }), {
    code: 1,
    stdout: '',
    stderr: 'Error: bpm shell needs a terminal (stdin is not a TTY)\n',
  });
});

test('trace without strace in PATH', { skip }, () => {
  const bin = join(r.root, 'bin-without-strace');
  mkdirSync(bin, { recursive: true });
  symlinkSync('/usr/bin/readlink', join(bin, 'readlink'));
  const env = { ...process.env, BPM_BOSH_ROOT: r.root, PATH: bin };
  assert.deepEqual(bpm(['trace', job], { env }), {
    code: 1,
    stdout: '',
    stderr: 'Error: exec: "strace": executable file not found in $PATH\n',
  });
});

test('trace attaches to the container init; SIGINT is forwarded and ends it with exit 0', {
  skip,
}, async () => {
  const pid = bpm(['pid', job], { env: { ...process.env, BPM_BOSH_ROOT: r.root } }).stdout.trim();
  assert.match(pid, /^\d+$/);
  const child = spawn(BPM, ['trace', job], {
    env: { ...process.env, BPM_BOSH_ROOT: r.root },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 10_000;
    while (!stderr.includes(`Process ${pid} attached`) && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.match(stderr, new RegExp(`Process ${pid} attached`));
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }
});

test('shell through a real pseudo-terminal: id runs inside the container as vcap', { skip }, async () => {
  // util-linux `script` gives bpm a pty on stdin/stdout, as an operator's terminal would.
  const env = { ...process.env, BPM_BOSH_ROOT: r.root, TERM: 'dumb' };
  const child = spawn('script', ['-qec', `${BPM} shell ${job}`, '/dev/null'], { env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stdin.write('id; echo "cwd=$(pwd)"\n');
  const sawId = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    child.stdout.on('data', () => {
      if (/cwd=\//.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  child.stdin.end('exit\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(sawId, out);
  assert.match(out, /uid=\d+\(vcap\) gid=\d+\(vcap\) groups=\d+\(vcap\)/);
  assert.match(out, new RegExp(`cwd=/var/vcap/jobs/${job}`));
  assert.equal(code, 0, out);
});
