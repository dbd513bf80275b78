// `bpm trace` attaches to every process of the container (issue #13 item 8), not only to tini:
// processes that existed before the trace and processes they start afterwards both appear.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { BoshRoot, BPM, eventually, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason() ?? false;
// A worker forking a new `sleep` every 0.2 s next to the main process: three processes under tini
// before the trace starts, and new ones all the time.
const RUN = '#!/bin/sh\n(while :; do sleep 0.2; done) &\nsleep 1000 &\nexec sleep 1000\n';
let r: BoshRoot;
let job = '';

before(async () => {
  if (skip !== false) return;
  r = BoshRoot.create();
  job = r.uniqueJob('trall');
  r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: RUN });
  const started = await r.bpm('start', job);
  assert.equal(started.code, 0, started.stderr);
});

after(async () => {
  if (skip === false) await r.cleanup();
});

const attached = (stderr: string): Set<number> =>
  new Set([...stderr.matchAll(/Process (\d+) attached/g)].map((m) => Number(m[1])));

test('trace attaches to every pid of the cgroup and follows the ones started later', { skip }, async () => {
  assert.ok(await eventually(() => r.cgroupPids(job).length >= 4), 'tini, the shell loop and two sleeps');
  // Stable members only: the loop's short sleeps come and go.
  const before = r.cgroupPids(job);
  const child = spawn(BPM, ['trace', job], {
    env: { ...process.env, BPM_BOSH_ROOT: r.root },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const stable = () => before.filter((p) => r.cgroupPids(job).includes(p));
    const sawAll = await eventually(() => stable().every((p) => attached(stderr).has(p)), 10_000);
    assert.ok(sawAll, `expected ${stable().join(',')} attached:\n${stderr.slice(0, 2000)}`);
    // A sleep forked after the attach (a pid not in the cgroup before) is traced too.
    const sawNew = await eventually(() => [...attached(stderr)].some((p) => !before.includes(p)), 10_000);
    assert.ok(sawNew, stderr.slice(0, 2000));
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr.slice(-2000));
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }
});
