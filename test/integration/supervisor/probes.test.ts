// The supervisor's readiness and liveness probes against real runc (docs/supervisor.md#probes):
// running → ready once an http readiness probe passes; a failing tcp or exec liveness probe
// restarts the process through the normal stop; a hanging exec probe is cut off at its timeout
// with its process tree. (Probes beside 20 crash-looping processes: probes-under-load.test.ts.)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, sleep } from '../../helpers/bosh-root.ts';
import { processEvents as events } from '../../helpers/supervisor-log.ts';
import { freePort, SERVER, SLEEPER, seconds, supervise, supervisorStatus } from './probe-support.ts';

const skip = skipReason();

/** Host pids in the container's cgroup whose command line is `argv`. */
function processesRunning(r: BoshRoot, job: string, argv: string): number {
  return r.cgroupPids(job).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() === argv;
    } catch {
      return false;
    }
  }).length;
}

describe('bpm supervise: probes', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('an http readiness probe: running until the port opens, then ready, running again when it fails (no restart)', async (t) => {
    const job = r.uniqueJob('ready');
    const port = await freePort();
    const readiness = {
      http: { port, path: '/healthz' },
      period: '200ms',
      timeout: '1s',
      failure_threshold: 1,
    };
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'serve'),
            args: [String(port), seconds(2_000), seconds(4_000)],
            readiness,
          },
        ],
      },
      { serve: SERVER },
    );
    const sup = supervise(t, r, [job]);
    assert.ok(await eventually(() => events(r, job, 'started').length === 1, 20_000), 'started');
    // Refused until the port opens 2 s (scaled) into the run (failure_threshold 1: failing at once).
    assert.ok(await eventually(() => events(r, job, 'probe-failing', 'readiness').length === 1, 20_000));
    assert.match(events(r, job, 'probe-failing', 'readiness')[0]?.data['detail'] ?? '', /ECONNREFUSED/);
    const early = await supervisorStatus(r, job);
    assert.equal(early.state, 'running', 'not ready before the probe passed');
    assert.ok(await eventually(() => events(r, job, 'probe-passing', 'readiness').length === 1, 20_000));
    const ready = await supervisorStatus(r, job);
    assert.equal(ready.state, 'ready');
    assert.deepEqual(ready.readiness, {
      status: 'passing',
      consecutive_failures: 0,
      last_result: 'success',
      last_detail: 'HTTP 200',
      last_probed_at: (ready.readiness as { last_probed_at: string } | undefined)?.last_probed_at,
    });
    const table = (await r.bpm('status', job)).stdout;
    assert.match(table, /running\/ready/);
    const [passed] = events(r, job, 'probe-passing', 'readiness');
    const started = events(r, job, 'started')[0]!;
    assert.ok(
      Date.parse(passed!.timestamp) - Date.parse(started.timestamp) >= scaledMs(1_500),
      'passed once the port opened',
    );
    // The server closes its port 4 s (scaled) after opening it: readiness fails, the process is running again.
    assert.ok(await eventually(() => events(r, job, 'probe-failing', 'readiness').length === 2, 20_000));
    const unready = await supervisorStatus(r, job);
    assert.equal(unready.state, 'running');
    assert.equal(unready.readiness?.status, 'failing');
    assert.equal(unready.restarts, 0, 'readiness never restarts');
    assert.equal(events(r, job, 'started').length, 1);
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });

  test('a tcp liveness probe that starts failing restarts the process through the normal stop', async (t) => {
    const job = r.uniqueJob('live');
    const port = await freePort();
    const liveness = {
      tcp: { port },
      period: '200ms',
      timeout: '1s',
      failure_threshold: 2,
      // Past the server's start (a python start takes seconds in the Noble VM).
      initial_delay: `${scaledMs(1_000)}ms`,
    };
    r.addJob(
      job,
      {
        processes: [
          {
            name: job,
            executable: r.jobBin(job, 'serve'),
            args: [String(port), '0', seconds(2_000)],
            liveness,
            restart: { initial_delay: '200ms' },
          },
        ],
      },
      { serve: SERVER },
    );
    const sup = supervise(t, r, [job]);
    assert.ok(await eventually(() => events(r, job, 'started').length === 1, 20_000), 'started');
    const pid = r.containerState(job)?.pid;
    assert.ok(await eventually(() => events(r, job, 'probe-passing', 'liveness').length >= 1, 10_000));
    assert.ok(await eventually(() => events(r, job, 'probe-failing', 'liveness').length >= 1, 20_000));
    assert.ok(await eventually(() => events(r, job, 'started').length === 2, 30_000), 'restarted');
    assert.notEqual(r.containerState(job)?.pid, pid, 'a new container');
    const failing = events(r, job, 'probe-failing', 'liveness')[0]!;
    assert.match(failing.data['detail'] ?? '', /ECONNREFUSED/);
    assert.equal(failing.data['consecutive_failures'], '2');
    // The normal stop: bpm.log's stop session, then the back-off (the first restart of a streak is at once).
    const stops = r
      .bpmLog(job)
      .map((l) => l.message)
      .filter((m) => m.startsWith('bpm.stop.'));
    assert.ok(stops.includes('bpm.stop.complete'), stops.join(' '));
    assert.equal(events(r, job, 'restart-planned')[0]?.data['delay_ms'], '0');
    // It fails again 2 s (scaled) into each run: the second restart of the streak waits initial_delay.
    assert.ok(await eventually(() => events(r, job, 'restart-planned').length >= 2, 30_000), 'failed again');
    assert.equal(events(r, job, 'restart-planned')[1]?.data['delay_ms'], '200', 'it counts for the back-off');
    assert.ok((await supervisorStatus(r, job)).restarts >= 1);
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });

  test('an exec liveness probe runs inside the container; when it fails the process is restarted', async (t) => {
    const job = r.uniqueJob('exec');
    // The job's directory is bound into the container (read-only): the test makes the probe fail from the host.
    const liveness = {
      exec: ['/bin/sh', '-c', `test ! -e /var/vcap/jobs/${job}/unhealthy && test "$(id -un)" = vcap`],
      period: '300ms',
      // Generous: a runc exec that a loaded machine slows past it would fail as a timeout instead of
      // the exit status this test is about (seen once in CI at 2 s; scaled for the Noble VM).
      timeout: `${scaledMs(10_000)}ms`,
      failure_threshold: 1,
    };
    r.addJob(
      job,
      {
        processes: [
          { name: job, executable: r.jobBin(job, 'run'), liveness, restart: { initial_delay: '200ms' } },
        ],
      },
      { run: SLEEPER },
    );
    const sup = supervise(t, r, [job]);
    assert.ok(
      await eventually(() => events(r, job, 'probe-passing', 'liveness').length === 1, 20_000),
      'passing',
    );
    assert.equal((await supervisorStatus(r, job)).liveness?.last_detail, 'exit status 0');
    writeFileSync(join(r.root, 'jobs', job, 'unhealthy'), '');
    assert.ok(
      await eventually(() => events(r, job, 'probe-failing', 'liveness').length === 1, 20_000),
      'failing',
    );
    assert.equal(events(r, job, 'probe-failing', 'liveness')[0]?.data['detail'], 'exit status 1');
    assert.ok(await eventually(() => events(r, job, 'started').length === 2, 30_000), 'restarted');
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });

  test('an exec probe that hangs is cut off at its timeout, its process tree killed, and the schedule goes on', async (t) => {
    const job = r.uniqueJob('hang');
    // The timeout scales: at 300 ms on the Noble VM (20x) the cut-off falls inside runc exec's own
    // set-up, before the command runs — not the case this test is about (docs/supervisor.md#probes).
    const timeoutMs = scaledMs(300);
    const readiness = {
      exec: ['/bin/sh', '-c', 'sleep 1001 & sleep 999'],
      period: '500ms',
      timeout: `${timeoutMs}ms`,
      failure_threshold: 1,
    };
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), readiness }] },
      { run: SLEEPER },
    );
    const sup = supervise(t, r, [job]);
    assert.ok(
      await eventually(() => events(r, job, 'probe-failing', 'readiness').length === 1, 20_000),
      'failing',
    );
    assert.equal(
      events(r, job, 'probe-failing', 'readiness')[0]?.data['detail'],
      `timed out after ${timeoutMs} ms`,
    );
    const first = (await supervisorStatus(r, job)).readiness?.consecutive_failures ?? 0;
    await sleep(scaledMs(2_500));
    const later = await supervisorStatus(r, job);
    assert.equal(later.state, 'running', 'never ready');
    assert.ok((later.readiness?.consecutive_failures ?? 0) >= first + 2, 'attempts go on, each cut off');
    // Each attempt's `sh`, its `sleep 999` and the backgrounded `sleep 1001` die with it: at most the
    // attempt in flight is there.
    assert.ok(processesRunning(r, job, 'sleep 1001') <= 1, 'no leftovers of earlier attempts');
    assert.ok(processesRunning(r, job, 'sleep 999') <= 1);
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });
});
