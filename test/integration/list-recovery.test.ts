// list, pid, dead containers and broken runc state against real runc in a temporary BOSH root.
import assert from 'node:assert/strict';
import { readFileSync, truncateSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, isAlive, skipReason } from '../helpers/bosh-root.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';

describe('list, pid and recovery', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  function sleeper(prefix: string): string {
    const job = r.uniqueJob(prefix);
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    return job;
  }

  test('list shows running, failed and stopped; pid prints the init pid', async () => {
    const running = sleeper('a-running');
    const failed = r.uniqueJob('b-failed');
    r.addJob(failed, { processes: [{ name: failed, executable: '/bin/false' }] });
    const stopped = r.uniqueJob('c-stopped');
    r.addJob(stopped, {
      processes: [
        { name: stopped, executable: '/bin/true' },
        { name: 'worker', executable: '/bin/true' },
      ],
    });
    assert.equal((await r.bpm('start', running)).code, 0);
    assert.equal((await r.bpm('start', failed)).code, 0);
    assert.ok(await eventually(() => r.containerState(failed)?.status === 'stopped'));

    const pid = r.containerState(running)?.pid;
    const list = await r.bpm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stderr, '');
    const rows = list.stdout.split('\n');
    const w = Math.max('Name'.length, `${stopped}.worker`.length) + 1;
    const pw = Math.max(3, String(pid).length) + 1;
    const row = (n: string, p: string, s: string) => `${n.padEnd(w)}${p.padEnd(pw)}${s}`;
    assert.deepEqual(rows, [
      row('Name', 'Pid', 'Status'),
      row(running, String(pid), 'running'),
      row(failed, '-', 'failed'),
      row(stopped, '-', 'stopped'),
      row(`${stopped}.worker`, '-', 'stopped'),
      '',
    ]);

    const p = await r.bpm('pid', running);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, `${pid}\n`);
    assert.equal(readFileSync(r.pidFile(running), 'utf8'), String(pid));
    const notRunning = await r.bpm('pid', failed);
    assert.equal(notRunning.code, 1);
    assert.equal(notRunning.stderr, 'Error: process is not running or could not be found\n');
    assert.equal(
      (await r.bpm('pid', stopped)).stderr,
      'Error: process is not running or could not be found\n',
    );

    assert.equal((await r.bpm('stop', running)).code, 0);
    assert.equal((await r.bpm('stop', failed)).code, 0);
  });

  test('list reports invalid configs and foreign containers without failing', async () => {
    const broken = r.uniqueJob('d-broken');
    r.addJob(broken, 'processes: [\n');
    const res = await r.bpm('list');
    assert.equal(res.code, 0);
    assert.match(res.stderr, new RegExp(`^invalid config for ${broken}: `));
    assert.ok(!res.stderr.endsWith('\n'));
  });

  test('a container that died is reported failed and the next start recovers it', async () => {
    const job = sleeper('died');
    assert.equal((await r.bpm('start', job)).code, 0);
    const old = r.containerState(job)?.pid;
    assert.ok(old);
    process.kill(old, 'SIGKILL');
    assert.ok(await eventually(() => r.containerState(job)?.status === 'stopped'));
    assert.match((await r.bpm('list')).stdout, new RegExp(`${job} +- +failed`));

    const start = await r.bpm('start', job);
    assert.equal(start.code, 0, start.stderr);
    const now = r.containerState(job);
    assert.equal(now?.status, 'running');
    assert.notEqual(now?.pid, old);
    assert.ok(r.bpmLog(job).some((l) => l.message === 'bpm.start.removing-stopped-process'));
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('a truncated runc state.json is recovered; the old processes are killed first (policy fix #5)', async () => {
    const job = sleeper('trunc');
    assert.equal((await r.bpm('start', job)).code, 0);
    const old = r.containerState(job)?.pid;
    assert.ok(old);
    truncateSync(r.paths.runcStateFile(`bpm-${job}`), 10);

    const start = await r.bpm('start', job);
    assert.equal(start.code, 0, start.stderr);
    assert.equal(isAlive(old), false);
    const now = r.containerState(job);
    assert.equal(now?.status, 'running');
    assert.notEqual(now?.pid, old);
    const events = r.bpmLog(job).map((l) => l.message);
    assert.ok(events.includes('bpm.start.failed-getting-job'));
    assert.ok(events.includes('bpm.start.forcefully-deleting-container'));
    assert.ok(!events.includes('bpm.start.failed-cleaning-up-broken-job'));
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('stop of a job that was never started succeeds', async () => {
    const job = sleeper('never');
    const res = await r.bpm('stop', job);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(r.bpmLog(job).some((l) => l.message === 'bpm.stop.job-already-stopped'));
  });
});
