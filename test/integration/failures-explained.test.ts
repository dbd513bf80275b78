// Issue #13: every failure says what went wrong and where (real runc, temporary BOSH roots).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readLastExit } from '../../src/lifecycle/last-exit.ts';
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

  test('stop of a job bpm knows nothing about creates nothing, says so, exits 0', async () => {
    const job = r.uniqueJob('nosuch');
    const locksBefore = readdirSync(r.paths.locksDir);
    const res = await r.bpm('stop', job);
    assert.equal(res.code, 0);
    assert.equal(
      res.stderr,
      `bpm stop: nothing to stop: job "${job}" has no ${r.paths.job(job).configFile} and no container\n`,
    );
    assert.equal(existsSync(r.paths.job(job).logDir), false);
    assert.deepEqual(readdirSync(r.paths.locksDir), locksBefore);
  });

  test('stop of a running job whose bpm.yml went away still stops it', async () => {
    const job = r.uniqueJob('orphan');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    assert.equal((await r.bpm('start', job)).code, 0);
    rmSync(r.paths.job(job).configFile);
    const res = await r.bpm('stop', job);
    // upstream's answer: the config is needed for the shutdown signal
    assert.match(res.stderr, /failed to parse job configuration/);
    assert.equal(r.containerState(job)?.status, 'running');
  });

  test('a failed start logs `failed`, never `complete`', async () => {
    const job = r.uniqueJob('nocfg');
    const res = await r.bpm('start', job);
    assert.equal(res.code, 1);
    const events = r.bpmLog(job).map((l) => [l.message, l.level]);
    assert.deepEqual(events.slice(2, 5), [
      ['bpm.start.starting', 'info'],
      ['bpm.start.failed-to-parse-config', 'error'],
      ['bpm.start.failed', 'error'],
    ]);
    assert.ok(!events.some(([m]) => m === 'bpm.start.complete'));
    const failed = r.bpmLog(job).find((l) => l.message === 'bpm.start.failed');
    assert.match(failed?.data['error'] ?? '', /^failed to parse job configuration: open /);
  });

  test('start of a program that dies at once: exit 0, its status on stderr, in bpm.log and kept', async () => {
    const job = r.uniqueJob('dies');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: '#!/bin/sh\nexit 3\n' },
    );
    const res = await r.bpm('start', job);
    assert.equal(res.code, 0);
    assert.equal(
      res.stderr,
      `bpm start: job "${job}" exited right after it started (exit status 3); see ${r.paths.job(job).stderrLog(job)}\n`,
    );
    const logged = r.bpmLog(job).find((l) => l.message === 'bpm.start.exited-right-after-start');
    assert.equal(logged?.data['error'], 'exit status 3');
    const last = readLastExit(r.paths.job(job), job);
    assert.equal(last?.code, 3);
    assert.equal(last?.seenBy, 'start');
    assert.ok(Math.abs(Date.parse(last?.at ?? '') - Date.now()) < 60_000);
    assert.match((await r.bpm('list')).stdout, new RegExp(`${job} +- +failed`));
  });

  test('a daemonizing program (the parent exits 0 at once) is reported too; a sleeper is not', async () => {
    const job = r.uniqueJob('daemon');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: '#!/bin/sh\nsleep 1000 &\nexit 0\n' },
    );
    const res = await r.bpm('start', job);
    assert.equal(res.code, 0);
    assert.match(res.stderr, /exited right after it started \(exit status 0\)/);
    const quiet = r.uniqueJob('quiet');
    r.addJob(quiet, { processes: [{ name: quiet, executable: r.jobBin(quiet, 'run') }] }, { run: SLEEPER });
    const ok = await r.bpm('start', quiet);
    assert.equal(ok.code, 0);
    assert.equal(ok.stderr, '');
    assert.equal(readLastExit(r.paths.job(quiet), quiet), undefined);
    assert.equal((await r.bpm('stop', quiet)).code, 0);
  });

  test("bpm run keeps the errand's exit as its last exit", async () => {
    const job = r.uniqueJob('errand');
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run') }] },
      { run: '#!/bin/sh\nexit 4\n' },
    );
    assert.equal((await r.bpm('run', job)).code, 4);
    const last = readLastExit(r.paths.job(job), job);
    assert.deepEqual([last?.code, last?.signal, last?.seenBy], [4, null, 'run']);
  });
});
