// Issue #13: every failure says what went wrong and where (real runc, temporary BOSH roots).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('failures explain themselves', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test("a start that runc refuses carries runc's reason, on stderr and in bpm.log", async () => {
    const broken = BoshRoot.create();
    try {
      rmSync(broken.paths.dataPackagesDir, { recursive: true });
      const job = broken.uniqueJob('nopkgs');
      broken.addJob(
        job,
        { processes: [{ name: job, executable: broken.jobBin(job, 'run') }] },
        { run: SLEEPER },
      );
      const res = await broken.bpm('start', job);
      assert.equal(res.code, 1);
      const reason = `runc: error mounting "${broken.paths.dataPackagesDir}" to rootfs at "/var/vcap/data/packages": stat ${broken.paths.dataPackagesDir}: no such file or directory`;
      assert.equal(res.stderr, `Error: failed to start job-process: exit status 1: ${reason}\n`);
      const failed = broken.bpmLog(job).find((l) => l.message === 'bpm.start.failed-to-start');
      assert.equal(failed?.data['error'], `exit status 1: ${reason}`);
      // runc's own line still lands in the process's stderr log, as upstream's does
      assert.match(broken.readLog(job, `${job}.stderr.log`), /error mounting/);

      const ran = await broken.bpm('run', job);
      assert.equal(ran.code, 1);
      assert.ok(
        ran.stderr.endsWith(`Error: failed to run job-process: exit status 1: ${reason} (exit status 1)\n`),
        ran.stderr,
      );
    } finally {
      await broken.cleanup();
    }
  });

  test('a process that exits non-zero under bpm run gets no runc reason appended', async () => {
    const job = r.uniqueJob('exit6');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: '#!/bin/sh\nexit 6\n' },
    );
    const res = await r.bpm('run', job);
    assert.equal(res.code, 6);
    assert.equal(res.stderr, 'Error: failed to run job-process: exit status 6 (exit status 6)\n');
  });

  test('a bad memory limit at start names file, line, column and field', async () => {
    const job = r.uniqueJob('mem');
    const file = r.paths.job(job).configFile;
    r.addJob(
      job,
      `processes:\n- name: ${job}\n  executable: ${r.jobBin(job, 'run')}\n  limits:\n    memory: 1 GB\n`,
      { run: SLEEPER },
    );
    const detail =
      'processes[0].limits.memory: byte quantity must be a positive integer with a unit of measurement like M, MB, MiB, G, GiB, or GB';
    const started = await r.bpm('start', job);
    assert.equal(started.code, 1);
    assert.equal(started.stderr, `Error: failed to start job-process: ${file}:5:13: ${detail}\n`);
    const ran = await r.bpm('run', job);
    assert.equal(ran.code, 1);
    assert.equal(ran.stderr, `Error: failed to run job-process: ${file}:5:13: ${detail} (exit status 0)\n`);
  });
});
