// bpm run and the pre-start hook against real runc in a temporary BOSH root.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containerId } from '../../src/ids/container-id.ts';
import { BoshRoot, eventually, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();
const ERRAND = '#!/bin/sh\necho "out $FOO"\necho err >&2\nexit "$CODE"\n';

describe('run', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  function errand(prefix: string, extra: object = {}): string {
    const job = r.uniqueJob(prefix);
    r.addJob(
      job,
      {
        processes: [
          { name: job, executable: r.jobBin(job, 'run'), env: { FOO: 'file', CODE: '0' }, ...extra },
        ],
      },
      { run: ERRAND },
    );
    return job;
  }

  test('exit status 0: output relayed and logged, no pid file, container gone', async () => {
    const job = errand('ok');
    const res = await r.bpm('run', job);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'out file\n');
    assert.equal(res.stderr, 'err\n');
    assert.equal(r.readLog(job, `${job}.stdout.log`), 'out file\n');
    assert.equal(r.readLog(job, `${job}.stderr.log`), 'err\n');
    assert.equal(existsSync(r.pidFile(job)), false);
    assert.equal(r.containerState(job), undefined);
    const messages = r.bpmLog(job).map((l) => l.message);
    assert.ok(messages.includes('bpm.run.run-process.running-container'));
    assert.ok(messages.includes('bpm.run.releasing-lifecycle-lock.complete'));
  });

  for (const code of [1, 6]) {
    test(`exit status ${code} is propagated`, async () => {
      const job = errand(`exit${code}`);
      const res = await r.bpm('run', job, '-e', `CODE=${code}`);
      assert.equal(res.code, code);
      assert.equal(res.stdout, 'out file\n');
      assert.equal(
        res.stderr,
        `err\nError: failed to run job-process: exit status ${code} (exit status ${code})\n`,
      );
    });
  }

  test('-e overrides the file and -v mounts a writable volume', async () => {
    const job = errand('flags');
    const vol = join(r.root, 'data', `${job}-vol`);
    r.writeScript(job, 'run', `#!/bin/sh\necho "out $FOO"\necho hi > ${vol}/written\n`);
    const res = await r.bpm('run', job, '-e', 'FOO=flag', '-v', `${vol}:writable`);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'out flag\n');
    assert.equal(readFileSync(join(vol, 'written'), 'utf8'), 'hi\n');
  });

  test('invalid -v and -e are reported bare, exit 1', async () => {
    const job = errand('badflags');
    const v = await r.bpm('run', job, '-v', '/x:bogus');
    assert.equal(v.code, 1);
    assert.equal(v.stderr, 'Error: invalid volume option: bogus\n');
    const e = await r.bpm('run', job, '-e', 'NOEQUALS');
    assert.equal(e.code, 1);
    assert.equal(
      e.stderr,
      'Error: invalid envionment variable definition (format should be KEY=value): "NOEQUALS"\n',
    );
    assert.ok(r.bpmLog(job).some((l) => l.message === 'bpm.run.invalid-volume-definition'));
  });

  test('a failing pre_start hook fails start, and run with exit 1 (policy fix #1)', async () => {
    const job = r.uniqueJob('hook');
    const hook = r.jobScript(job, 'hook');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), hooks: { pre_start: hook } }] },
      { run: '#!/bin/sh\nexec sleep 1000\n', hook: '#!/bin/sh\necho "hook ran with $HOME"\nexit 1\n' },
    );
    const start = await r.bpm('start', job);
    assert.equal(start.code, 1);
    assert.equal(start.stderr, 'Error: failed to start job-process: prestart hook failed: exit status 1\n');
    assert.equal(r.containerState(job), undefined);
    // Its HOME is root's scratch directory, not the job's data dir (policy fix 11).
    assert.equal(
      r.readLog(job, `${job}.stdout.log`),
      `hook ran with ${r.paths.hookScratch(containerId(job, job))}\n`,
    );
    const failed = r.bpmLog(job).find((l) => l.message === 'bpm.start.failed-to-start');
    assert.equal(failed?.data['error'], 'prestart hook failed: exit status 1');

    const run = await r.bpm('run', job);
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'Error: failed to run job-process: prestart hook failed: exit status 1 (exit status 0)\n',
    );
  });

  test('a succeeding pre_start hook runs before the container', async () => {
    const job = r.uniqueJob('hookok');
    const hook = r.jobScript(job, 'hook');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), hooks: { pre_start: hook } }] },
      { run: '#!/bin/sh\necho container\n', hook: '#!/bin/sh\necho hook\n' },
    );
    const res = await r.bpm('run', job);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout, 'container\n');
    assert.equal(r.readLog(job, `${job}.stdout.log`), 'hook\ncontainer\n');
  });

  test('hooks: {} means no hook (policy fix #4)', async () => {
    const job = errand('nohook', { hooks: {} });
    const res = await r.bpm('run', job);
    assert.equal(res.code, 0, res.stderr);
  });

  test('a killed bpm run: the next run of the errand refuses, naming the pid, and runs nothing (issue #10)', async () => {
    const job = r.uniqueJob('killed');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      {
        run: '#!/bin/sh\necho started >> /var/vcap/sys/log/$(basename $(dirname $(dirname $0)))/runs\nexec sleep 1000\n',
      },
    );
    const first = r.spawnBpm(['run', job]);
    assert.ok(await eventually(() => r.containerState(job)?.status === 'running', 15_000));
    first.child.kill('SIGKILL');
    await first.done;
    const pid = r.containerState(job)?.pid;
    assert.ok(pid !== undefined && pid > 0);

    const second = await r.bpm('run', job);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr,
      `Error: failed to run job-process: the process is still running (pid ${pid}), from an earlier bpm run or bpm start; its exit status cannot be collected here: wait for it to end, or stop it with \`bpm stop ${job}\`\n`,
    );
    assert.equal(r.readLog(job, 'runs'), 'started\n', 'the errand ran once');
    assert.equal(r.containerState(job)?.pid, pid, 'the running errand is left alone');
  });
});
