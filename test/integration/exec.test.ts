// `bpm exec JOB [-p PROC] -- CMD…` (issue #13 item 7): a command inside the running container,
// no terminal, as vcap, stdio wired through, exit status passed through, signals forwarded.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, BPM, eventually, scaledMs, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();

describe('bpm exec', { skip }, () => {
  let r: BoshRoot;
  let job = '';
  const run = (args: string[], input = '') =>
    spawnSync(BPM, ['exec', job, ...args], {
      env: { ...process.env, BPM_BOSH_ROOT: r.root },
      input,
      encoding: 'utf8',
      timeout: scaledMs(30_000),
    });

  before(async () => {
    r = BoshRoot.create();
    job = r.uniqueJob('ex');
    r.addJob(
      job,
      {
        processes: [
          { name: job, executable: r.jobBin(job, 'run') },
          { name: 'side', executable: r.jobBin(job, 'run'), env: { WHO: 'side' } },
        ],
      },
      { run: '#!/bin/sh\nexec sleep 1000\n' },
    );
    for (const p of [job, 'side']) {
      const started = await r.bpm('start', job, '-p', p);
      assert.equal(started.code, 0, started.stderr);
    }
  });
  after(() => r.cleanup());

  test('runs inside the container as vcap, in the job dir; stdout, stderr and status pass through', () => {
    const res = run(['--', 'sh', '-c', 'id -un; pwd; cat /proc/1/comm; echo oops >&2; exit 3']);
    assert.equal(res.status, 3, res.stderr);
    assert.equal(res.stdout, `vcap\n/var/vcap/jobs/${job}\ntini\n`);
    assert.equal(res.stderr, 'oops\n');
  });

  test('stdin is wired; flags after -- belong to the command; -p picks the process', () => {
    const res = run(
      ['-p', 'side', '--', 'sh', '-c', 'echo "$WHO: $(cat)"; ls -d /var/vcap/jobs'],
      'hello from stdin',
    );
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, 'side: hello from stdin\n/var/vcap/jobs\n');
    assert.equal(run(['true'], '').status, 0, 'no -- needed when the command has no flags');
  });

  test('a command killed by a signal exits 128+N; one that cannot start exits 255 with runc’s reason', () => {
    assert.equal(run(['--', 'sh', '-c', 'kill -9 $$']).status, 137);
    const missing = run(['--', 'no-such-command']);
    assert.equal(missing.status, 255);
    assert.match(missing.stderr, /executable file not found/);
  });

  test('SIGTERM to bpm reaches the command (forwarded through runc)', async () => {
    const child = spawn(
      BPM,
      ['exec', job, '--', 'sh', '-c', 'trap "exit 7" TERM; echo ready; sleep 1000 >/dev/null 2>&1 & wait'],
      {
        env: { ...process.env, BPM_BOSH_ROOT: r.root },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(await eventually(() => out === 'ready\n', 10_000), out);
    child.kill('SIGTERM');
    assert.equal(await code, 7);
  });

  test('no command: usage and one error line; not running: the same error as bpm pid', () => {
    const none = run([]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /^Usage:\n {2}bpm exec <job-name> \[flags\] -- <command> \[<arg>\.\.\.\]\n/);
    assert.match(
      none.stderr,
      /\nError: must specify a command to run \(bpm exec <job-name> -- <command> \[<arg>\.\.\.\]\)\n$/,
    );
    const gone = spawnSync(BPM, ['exec', 'no-such-job', '--', 'true'], {
      env: { ...process.env, BPM_BOSH_ROOT: r.root },
      encoding: 'utf8',
    });
    assert.equal(gone.status, 1);
    assert.equal(gone.stderr, 'Error: process is not running or could not be found\n');
  });
});
