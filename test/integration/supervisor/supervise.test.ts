// `bpm supervise` against real runc: adopt a running container, restart a crashing one on the
// back-off schedule, stop everything on SIGTERM, and leave containers running on SIGKILL for the
// next supervisor to adopt.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lifecycleLockName } from '../../../src/ids/container-id.ts';
import { tryLock } from '../../../src/sys/flock.ts';
import { BoshRoot, eventually, isAlive, scaledMs, skipReason, sleep } from '../../helpers/bosh-root.ts';
import { processEvents as events } from '../../helpers/supervisor-log.ts';

const skip = skipReason();
const SLEEPER = '#!/bin/sh\nexec sleep 1000\n';
const CRASHER = '#!/bin/sh\nsleep 0.1\nexit 3\n';

describe('bpm supervise', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('adopts a running container, SIGKILL leaves it running, the next supervisor adopts it again, SIGTERM stops it', async () => {
    const job = r.uniqueJob('adopt');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    assert.equal((await r.bpm('start', job)).code, 0);
    const pid = r.containerState(job)?.pid;
    assert.ok(pid !== undefined && pid > 0);

    const first = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'adopted').length === 1, 10_000), 'adopted');
    assert.equal(events(r, job, 'adopted')[0]?.data['pid'], String(pid));
    first.child.kill('SIGKILL');
    await first.done;
    assert.equal(r.containerState(job)?.status, 'running', 'SIGKILL of the supervisor leaves the container');
    assert.equal(r.containerState(job)?.pid, pid);

    const second = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'adopted').length === 2, 10_000), 'adopted again');
    assert.equal(r.containerState(job)?.pid, pid, 'not restarted');
    assert.equal(events(r, job, 'started').length, 0);
    second.child.kill('SIGTERM');
    const done = await second.done;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(r.containerState(job), undefined, 'SIGTERM stops the process');
    assert.equal(isAlive(pid), false);
    assert.equal(existsSync(r.pidFile(job)), false);
  });

  test('a crashing process restarts at once, then after initial_delay doubling to max_delay', async () => {
    const job = r.uniqueJob('crash');
    const restart = { policy: 'on-failure', initial_delay: '400ms', max_delay: '800ms', reset_after: '1m' };
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), restart }] },
      { run: CRASHER },
    );
    const sup = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'restart-planned').length >= 5, 30_000), 'five restarts');
    sup.child.kill('SIGTERM');
    const done = await sup.done;
    assert.equal(done.code, 0, done.stderr);
    const planned = events(r, job, 'restart-planned').map((l) => Number(l.data['delay_ms']));
    assert.deepEqual(planned.slice(0, 5), [0, 400, 800, 800, 800]);
    // Each start attempt follows its planned restart by the delay. (A process that dies within the
    // start's early-exit watch is never 'started': the attempt is what the schedule times.)
    const plannedAt = events(r, job, 'restart-planned').map((l) => Date.parse(l.timestamp));
    const startedAt = events(r, job, 'starting').map((l) => Date.parse(l.timestamp));
    for (let i = 1; i < 4; i++) {
      const gap = startedAt[i]! - plannedAt[i - 1]!;
      assert.ok(gap >= planned[i - 1]!, `restart ${i} came ${gap} ms after it was planned`);
      assert.ok(gap < planned[i - 1]! + scaledMs(1_500), `restart ${i} came ${gap} ms after it was planned`);
    }
    assert.equal(r.containerState(job), undefined, 'nothing left after SIGTERM');
    const lastExit = JSON.parse(
      readFileSync(join(r.root, 'sys', 'run', 'bpm', job, `${job}.last-exit.json`), 'utf8'),
    );
    assert.equal(lastExit.seenBy, 'supervise');
  });

  test('SIGTERM stops several processes in parallel, within their shutdown_timeout', async () => {
    const jobs = [r.uniqueJob('par'), r.uniqueJob('par')];
    const stubborn = "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 0.1; done\n";
    for (const job of jobs) {
      r.addJob(
        job,
        { processes: [{ name: job, executable: r.jobBin(job, 'run'), shutdown_timeout: '1s' }] },
        { run: stubborn },
      );
    }
    const sup = r.spawnBpm(['supervise', '--job', jobs[0]!, '--job', jobs[1]!]);
    assert.ok(await eventually(() => jobs.every((j) => events(r, j, 'started').length === 1), 20_000));
    const t0 = performance.now();
    sup.child.kill('SIGTERM');
    const done = await sup.done;
    const ms = performance.now() - t0;
    assert.equal(done.code, 0, done.stderr);
    // Each takes 1 s + 2 s QUIT grace; in sequence it would be over 6 s. The bound holds the 3 s
    // bpm waits, plus 2.5 s (scaled) for the runc work around them; on a slow host (the Noble VM,
    // 20x) that bound no longer tells parallel from sequential, so the logged stops must overlap:
    // each began before the other ended.
    assert.ok(ms < 3_000 + scaledMs(2_500), `shutdown took ${Math.round(ms)} ms`);
    const [a, b] = jobs.map((j) => ({
      from: Date.parse(events(r, j, 'stopping')[0]!.timestamp),
      to: Date.parse(events(r, j, 'stopped')[0]!.timestamp),
    })) as [{ from: number; to: number }, { from: number; to: number }];
    assert.ok(a.from < b.to && b.from < a.to, `stops overlap: ${JSON.stringify([a, b])}`);
    for (const job of jobs) assert.equal(r.containerState(job), undefined);
  });

  test('bpm stop/start/restart go to the supervisor and change the desired state; bpm status shows it', async () => {
    const job = r.uniqueJob('ctl');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    const sup = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'started').length === 1, 20_000));
    const sock = statSync(join(r.root, 'data', 'bpm', 'supervisor', 'control.sock'));
    assert.equal(sock.mode & 0o777, 0o600);
    assert.equal(statSync(join(r.root, 'data', 'bpm', 'supervisor')).mode & 0o777, 0o700);

    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(r.containerState(job), undefined, 'stopped through the supervisor');
    // The bundle stays for the next start, with the mount points runc made in its rootfs.
    const paths = r.paths.job(job);
    const mountPoint = statSync(join(paths.rootfs(job), 'var', 'vcap')).ino;
    const config = statSync(paths.configJson(job)).ino;
    await sleep(scaledMs(500));
    assert.equal(r.containerState(job), undefined, 'and not restarted: desired state is stopped');
    const down = JSON.parse((await r.bpm('status', job, '--json')).stdout);
    assert.deepEqual(down.processes[0].supervisor, {
      desired: 'stopped',
      state: 'stopped',
      restarts: 0,
      next_restart_at: null,
    });

    assert.equal((await r.bpm('start', job)).code, 0);
    const pid = r.containerState(job)?.pid;
    assert.equal(r.containerState(job)?.status, 'running');
    assert.equal(statSync(paths.configJson(job)).ino, config, 'the same spec: config.json kept');
    assert.equal(statSync(join(paths.rootfs(job), 'var', 'vcap')).ino, mountPoint, 'and its rootfs');
    assert.equal((await r.bpm('restart', job)).code, 0);
    assert.notEqual(r.containerState(job)?.pid, pid, 'restart made a new container');
    const table = (await r.bpm('status', job)).stdout;
    assert.match(table, /Supervisor\s+Restarts\s+Next restart/);
    // Without a readiness probe a running process is ready.
    assert.match(table, /running\/ready\s+0\s+-/);
    assert.equal(events(r, job, 'started').length, 3);
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.ok(existsSync(paths.bundle(job)), 'stopped through the supervisor: the bundle stays');

    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
    assert.equal(existsSync(join(r.root, 'data', 'bpm', 'supervisor', 'control.sock')), false);
    const plain = JSON.parse((await r.bpm('status', job, '--json')).stdout);
    assert.equal('supervisor' in plain.processes[0], false, 'no supervisor, no supervisor key');
    assert.equal(
      existsSync(paths.bundle(job)),
      false,
      "the supervisor's shutdown removes the bundle it kept",
    );
    assert.equal((await r.bpm('start', job)).code, 0, 'without a supervisor start works as before');
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.equal(existsSync(paths.bundle(job)), false, 'and so does the CLI stop, as upstream');
  });

  test('bpm stop of a process in back-off cancels the planned restart: stopped, no failed-to-stop', async () => {
    const job = r.uniqueJob('backoff');
    const restart = { initial_delay: '1m' };
    r.addJob(
      job,
      { processes: [{ name: job, executable: r.jobBin(job, 'run'), restart }] },
      { run: CRASHER },
    );
    const sup = r.spawnBpm(['supervise', '--job', job]);
    // The first restart is at once, the second waits a minute: back-off.
    assert.ok(await eventually(() => events(r, job, 'restart-planned').length === 2, 20_000), 'in back-off');
    const stopped = await r.bpm('stop', job);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(events(r, job, 'failed-to-stop').length, 0, 'nothing to stop is no failure');
    const bpmLog = readFileSync(join(r.root, 'sys', 'log', job, 'bpm.log'), 'utf8');
    assert.doesNotMatch(bpmLog, /failed-to-stop/, 'no stop attempt on the exited container either');
    assert.equal(r.containerState(job), undefined, 'the exited container is removed');
    const status = JSON.parse((await r.bpm('status', job, '--json')).stdout).processes[0].supervisor;
    assert.deepEqual(status, { desired: 'stopped', state: 'stopped', restarts: 2, next_restart_at: null });
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
    assert.equal(events(r, job, 'starting').length, 2, 'the planned restart never came');
  });

  test("a second supervisor for the same root is refused; only the supervisor gets the launcher's V8 heap flag", async () => {
    const job = r.uniqueJob('one');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    const sup = r.spawnBpm(['supervise', '--job', job]);
    assert.ok(await eventually(() => events(r, job, 'started').length === 1, 20_000));
    // The launcher runs the supervisor, and only it, with small young-generation semi-spaces (its
    // RSS) and a garbage collector without helper threads (docs/performance.md "The supervisor");
    // the CLI stays free of V8 flags (its code cache).
    const argv = readFileSync(`/proc/${sup.child.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(argv.includes('--max-semi-space-size=2'), argv.join(' '));
    assert.ok(argv.includes('--single-threaded-gc'), argv.join(' '));
    const second = await r.bpm('supervise', '--job', job);
    assert.equal(second.code, 1);
    assert.equal(second.stderr, 'Error: another bpm supervise is running for this BOSH root\n');
    const cli = r.spawnBpm(['logs', job, '-f']);
    assert.ok(
      await eventually(
        () => readFileSync(`/proc/${cli.child.pid}/cmdline`, 'utf8').includes('main.js'),
        10_000,
      ),
    );
    assert.ok(!readFileSync(`/proc/${cli.child.pid}/cmdline`, 'utf8').includes('--max-semi-space'));
    cli.child.kill('SIGTERM');
    await cli.done;
    sup.child.kill('SIGTERM');
    assert.equal((await sup.done).code, 0);
  });
  test('SIGTERM while a start waits for the lifecycle lock a CLI holds: the wait ends, the shutdown does not hang', async () => {
    const job = r.uniqueJob('locked');
    r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLEEPER });
    // A CLI holding the job's lock: a real flock(2) on bpm's lock file, from this test process.
    mkdirSync(r.paths.locksDir, { recursive: true });
    const held = tryLock(r.paths.lockFile(lifecycleLockName(job, job)));
    assert.ok(held !== undefined);
    try {
      const sup = r.spawnBpm(['supervise', '--job', job]);
      const waiting = () =>
        r.bpmLog(job).some((l) => l.message === 'bpm.start.acquiring-lifecycle-lock.starting');
      assert.ok(await eventually(waiting, 20_000), 'the start waits for the lock');
      const t0 = performance.now();
      sup.child.kill('SIGTERM');
      const done = await sup.done;
      const ms = performance.now() - t0;
      assert.equal(done.code, 0, done.stderr);
      assert.ok(ms < scaledMs(10_000), `shutdown took ${Math.round(ms)} ms with the lock held`);
      const failed = r
        .bpmLog(job)
        .find((l) => l.message === 'bpm.start.acquiring-lifecycle-lock.failed-to-acquire-lock');
      assert.equal(failed?.data['error'], 'operation cancelled');
      assert.equal(events(r, job, 'started').length, 0);
      assert.equal(r.containerState(job), undefined, 'nothing was started');
    } finally {
      held.release();
    }
  });
});
