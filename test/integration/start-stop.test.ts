// start / stop against real runc in a temporary BOSH root.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, sleep } from '../helpers/bosh-root.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\necho started\nexec sleep 1000\n';

describe('start and stop', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('start, stop, start again; pid file, bundle and container come and go', async () => {
    const job = r.uniqueJob('web');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });

    const started = await r.bpm('start', job);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout, '');
    const state = r.containerState(job);
    assert.equal(state?.status, 'running');
    assert.equal(readFileSync(r.pidFile(job), 'utf8'), String(state?.pid));
    assert.ok(await eventually(() => r.readLog(job, `${job}.stdout.log`) === 'started\n'));

    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(r.containerState(job), undefined);
    assert.equal(existsSync(r.pidFile(job)), false);
    assert.equal(existsSync(r.paths.job(job).bundle(job)), false);

    const again = await r.bpm('start', job);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(r.containerState(job)?.status, 'running');
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('bpm.log of a fresh start and of a stop match docs/behaviour/logging.md', async () => {
    const job = r.uniqueJob('logs');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    assert.equal((await r.bpm('start', job)).code, 0);
    const start = r.bpmLog(job);
    assert.deepEqual(
      start.map((l) => [l.message, l.data['session'], l.level]),
      [
        ['bpm.start.acquiring-lifecycle-lock.starting', '1.1', 'info'],
        ['bpm.start.acquiring-lifecycle-lock.complete', '1.1', 'info'],
        ['bpm.start.starting', '1', 'info'],
        ['bpm.start.start-process.starting', '1.2', 'info'],
        ['bpm.start.start-process.creating-job-prerequisites', '1.2', 'info'],
        ['bpm.start.start-process.building-spec', '1.2', 'info'],
        ['bpm.start.start-process.creating-bundle', '1.2', 'info'],
        ['bpm.start.start-process.running-container', '1.2', 'info'],
        ['bpm.start.start-process.complete', '1.2', 'info'],
        ['bpm.start.complete', '1', 'info'],
        ['bpm.start.releasing-lifecycle-lock.starting', '1.3', 'info'],
        ['bpm.start.releasing-lifecycle-lock.complete', '1.3', 'info'],
      ],
    );
    for (const l of start) {
      assert.equal(l.source, 'bpm');
      assert.equal(l.data['job'], job);
      assert.equal(l.data['process'], job);
      assert.match(l.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    }
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.deepEqual(
      r
        .bpmLog(job)
        .slice(start.length)
        .map((l) => [l.message, l.data['session']]),
      [
        ['bpm.stop.acquiring-lifecycle-lock.starting', '1.1'],
        ['bpm.stop.acquiring-lifecycle-lock.complete', '1.1'],
        ['bpm.stop.starting', '1'],
        ['bpm.stop.forcefully-deleting-container', '1'],
        ['bpm.stop.destroying-bundle', '1'],
        ['bpm.stop.deleting-pidfile', '1'],
        ['bpm.stop.complete', '1'],
        ['bpm.stop.releasing-lifecycle-lock.starting', '1.2'],
        ['bpm.stop.releasing-lifecycle-lock.complete', '1.2'],
      ],
    );
  });

  test('starting a running job is a no-op', async () => {
    const job = r.uniqueJob('noop');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    assert.equal((await r.bpm('start', job)).code, 0);
    const pid = r.containerState(job)?.pid;
    const before = r.bpmLog(job).length;
    const again = await r.bpm('start', job);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(r.containerState(job)?.pid, pid);
    const events = r
      .bpmLog(job)
      .slice(before)
      .map((l) => l.message);
    assert.ok(events.includes('bpm.start.process-already-running'));
    assert.ok(!events.some((m) => m.includes('start-process')));
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('stop returns within 0.5 s when the process exits 50 ms after its signal', async () => {
    const job = r.uniqueJob('quick');
    const script = "#!/bin/sh\ntrap 'sleep 0.05; exit 0' TERM\nsleep 1000 &\nwait\n";
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: script });
    assert.equal((await r.bpm('start', job)).code, 0);
    await sleep(scaledMs(200)); // let the shell install its trap
    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(stopped.ms < scaledMs(500), `stop took ${Math.round(stopped.ms)} ms`);
    assert.equal(r.containerState(job), undefined);
    assert.ok(!r.bpmLog(job).some((l) => l.message === 'bpm.stop.failed-to-stop'));
  });

  test('shutdown_signal: INT sends SIGINT first', async () => {
    const job = r.uniqueJob('int');
    const script = `#!/bin/sh\ntrap 'echo INT > /var/vcap/sys/log/${job}/signal; exit 0' INT\ntrap 'echo TERM > /var/vcap/sys/log/${job}/signal; exit 0' TERM\nsleep 1000 &\nwait\n`;
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), shutdown_signal: 'INT' }] },
      { run: script },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    await sleep(scaledMs(200));
    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(r.readLog(job, 'signal'), 'INT\n');
  });

  test('two concurrent starts of one job leave exactly one container', async () => {
    const job = r.uniqueJob('race');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    const [a, b] = await Promise.all([r.bpm('start', job), r.bpm('start', job)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const mine = JSON.parse(r.runc('list', '--format', 'json').stdout) as { id: string; status: string }[];
    const forJob = mine.filter((c) => c.id === `bpm-${job}`);
    assert.equal(forJob.length, 1);
    assert.equal(forJob[0]?.status, 'running');
    const messages = r.bpmLog(job).map((l) => l.message);
    assert.equal(messages.filter((m) => m === 'bpm.start.start-process.running-container').length, 1);
    assert.equal(messages.filter((m) => m === 'bpm.start.process-already-running').length, 1);
    assert.equal((await r.bpm('stop', job)).code, 0);
  });

  test('shutdown_timeout shortens the wait before QUIT (bpm stop under monit honours it)', async () => {
    const job = r.uniqueJob('patient');
    const script = `#!/bin/sh\ntrap '' TERM\ntrap 'echo QUIT >> /var/vcap/sys/log/${job}/signal' QUIT\nwhile :; do sleep 0.1; done\n`;
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), shutdown_timeout: '1s' }] },
      { run: script },
    );
    assert.equal((await r.bpm('start', job)).code, 0);
    await sleep(scaledMs(200)); // time for the script to set its traps, as in the test below
    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(
      stopped.ms >= 3_000 && stopped.ms < 3_000 + scaledMs(3000),
      `stop took ${Math.round(stopped.ms)} ms`,
    );
    assert.equal(r.readLog(job, 'signal'), 'QUIT\n');
  });

  test('a process ignoring TERM gets QUIT after 20 s, then is killed 2 s later', async () => {
    const job = r.uniqueJob('stubborn');
    const script = `#!/bin/sh\ntrap '' TERM\ntrap 'echo QUIT >> /var/vcap/sys/log/${job}/signal' QUIT\nwhile :; do sleep 0.1; done\n`;
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: script });
    assert.equal((await r.bpm('start', job)).code, 0);
    await sleep(scaledMs(200));
    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(
      stopped.ms >= 22_000 && stopped.ms < 22_000 + scaledMs(3000),
      `stop took ${Math.round(stopped.ms)} ms`,
    );
    assert.equal(r.readLog(job, 'signal'), 'QUIT\n');
    assert.equal(r.containerState(job), undefined);
    const failed = r.bpmLog(job).find((l) => l.message === 'bpm.stop.failed-to-stop');
    assert.equal(failed?.level, 'error');
    assert.equal(failed?.data['error'], 'failed to stop job within timeout');
  });
});
