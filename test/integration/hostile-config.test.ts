// Issue #10 against the real bin/bpm and runc: a YAML bomb (item 5) costs bpm list and bpm start
// well under a second and names the job, while the other jobs are still listed; a volume on bpm's
// own packages (item 2) is refused before anything is touched; job X process p and job X.p, which
// share a container id (item 9), never act on each other's container.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, skipReason } from '../helpers/bosh-root.ts';
import { fanOutBomb, nestedMergeBomb } from '../helpers/hostile-yaml.ts';

const skip = skipReason();
const ALIASING = 'yaml: document contains excessive aliasing';

describe('hostile bpm.yml files', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('YAML bombs: list reports those jobs and lists the others; start refuses at once', async () => {
    const good = r.uniqueJob('good');
    r.addJob(good, { processes: [{ name: good, executable: '/bin/true' }] });
    const merges = r.uniqueJob('merges');
    r.addJob(merges, nestedMergeBomb());
    const fanOut = r.uniqueJob('fanout');
    r.addJob(fanOut, fanOutBomb());

    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`^${good} +- +stopped$`, 'm'));
    for (const job of [merges, fanOut]) {
      assert.ok(list.stderr.includes(`invalid config for ${job}: `), list.stderr);
      assert.match(list.stderr, new RegExp(`jobs/${job}/config/bpm\\.yml:\\d+:7: ${ALIASING}`));
    }
    assert.ok(list.ms < 5_000, `list took ${list.ms.toFixed(0)} ms`);

    const start = await r.bpm('start', merges);
    assert.equal(start.code, 1);
    assert.match(
      start.stderr,
      new RegExp(`^Error: failed to parse job configuration: \\S+/bpm\\.yml:43:7: ${ALIASING}\\n$`),
    );
    assert.ok(start.ms < 5_000, `start took ${start.ms.toFixed(0)} ms`);
  });

  test('a volume on R/packages/bpm/bin: start refuses it, nothing is chowned', async () => {
    const job = r.uniqueJob('grab-runc');
    const bin = join(r.root, 'packages', 'bpm', 'bin');
    r.addJob(job, {
      processes: [
        { name: job, executable: '/bin/true', additional_volumes: [{ path: bin, writable: true }] },
      ],
    });
    const start = await r.bpm('start', job);
    assert.equal(start.code, 1);
    assert.equal(
      start.stderr,
      `Error: failed to parse job configuration: ${r.paths.job(job).configFile}:5:15: processes[0].additional_volumes[0].path: invalid volume path: ${bin} lies in ${r.root}/packages (the installed packages); only a read-only mount_only volume may mount it\n`,
    );
    assert.equal(statSync(bin).uid, 0);
    assert.equal(statSync(bin).mode & 0o777, 0o755);
    assert.equal(r.containerState(job), undefined);
  });

  test('container-id collision: job X.p never stops, starts over, shows or runs job X process p', async () => {
    const x = r.uniqueJob('coll');
    const xp = `${x}.p`;
    const sleeper = { run: '#!/bin/sh\nexec sleep 1000\n' };
    r.addJob(x, { processes: [{ name: 'p', executable: r.jobBin(x, 'run') }] }, sleeper);
    r.addJob(xp, { processes: [{ name: xp, executable: r.jobBin(xp, 'run') }] }, sleeper);
    assert.equal((await r.bpm('start', x, '-p', 'p')).code, 0);
    const pid = r.containerState(x, 'p')?.pid;
    assert.ok(pid !== undefined && pid > 0);

    const refusal = `Error: container bpm-${x}.2ep belongs to job ${x}, process p (bundle ${r.paths.job(x).bundle('p')}), not to job ${xp}, process ${xp}: refusing to act on it\n`;
    for (const args of [
      ['stop', xp],
      ['start', xp],
      ['pid', xp],
      ['trace', xp],
      ['run', xp],
    ]) {
      const res = await r.bpm(...args);
      assert.equal(res.code, 1, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stderr, refusal, args.join(' '));
    }
    assert.equal(r.containerState(x, 'p')?.pid, pid, "job X's process still runs");
    assert.equal(readFileSync(r.pidFile(x, 'p'), 'utf8'), String(pid));
    assert.equal(existsSync(r.pidFile(xp)), false, 'no pid file was "repaired" for X.p');

    const stop = await r.bpm('stop', x, '-p', 'p');
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(r.containerState(x, 'p'), undefined);
  });

  test('a volume path the job turned into a link to bpm state: start refuses, stop and list are unaffected', async () => {
    const job = r.uniqueJob('relink');
    const vol = join(r.root, 'data', job, 'vol');
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'run'),
            additional_volumes: [{ path: vol, writable: true }],
          },
        ],
      },
      { run: '#!/bin/sh\nexec sleep 1000\n' },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    renameSync(vol, `${vol}.old`);
    symlinkSync(r.paths.bpmDataDir, vol);

    const list = await r.bpm('list');
    assert.match(list.stdout, new RegExp(`^${job} +\\d+ +running$`, 'm'));
    assert.ok(!list.stderr.includes(job), list.stderr);
    const stop = await r.bpm('stop', job);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(r.containerState(job), undefined);
    const start = await r.bpm('start', job);
    assert.equal(start.code, 1);
    assert.ok(
      start.stderr.includes(
        `(resolves to ${r.paths.bpmDataDir}) lies in ${r.paths.bpmDataDir} (bpm's own state)`,
      ),
      start.stderr,
    );
  });
});
