// Real monit (the Debian package) supervising 5 bpm jobs exactly as on a BOSH VM: `check process`
// on bpm's pid files, `bpm start` / `bpm stop` as start and stop programs (run through `env`,
// since monit gives them an almost empty environment). Then a `monit restart` storm. Afterwards
// each job has exactly one live container, its pid file names the live pid, and nothing leaked.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, eventually, scaledMs, skipReason, sleep, within } from '../helpers/bosh-root.ts';
import { MONIT, monitrc, parseSummary } from './monitrc.ts';
import {
  addSleeperJob,
  inspectJob,
  inspectRoot,
  processAgeMs,
  Random,
  scaled,
  seed,
  settle,
} from './support.ts';

/** Takes 1.5 s to shut down after TERM. */
const SLOW_STOPPER = "#!/bin/sh\ntrap 'sleep 1.5; exit 0' TERM\nsleep 100000 &\nwait\n";
/** Older than any start still at work on it: `runc run` takes well under a second here, the watch after it at most 250 ms. */
const CRASH_MIN_AGE_MS = 2_000;
const skip = skipReason() ?? (existsSync(MONIT) ? undefined : `needs monit at ${MONIT} (scripts/setup.sh)`);

class Monit {
  readonly dir: string;
  readonly rc: string;
  private daemon: ChildProcess | undefined;

  constructor(r: BoshRoot, jobs: string[], slow: string[]) {
    this.dir = mkdtempSync('/tmp/bpm-monit-');
    this.rc = join(this.dir, 'monitrc');
    writeFileSync(this.rc, monitrc(this.dir, r, jobs, slow));
    chmodSync(this.rc, 0o600); // monit refuses a control file others can read
  }

  start(): void {
    // -I: stay in the foreground, so this test owns the daemon's pid. An empty environment, as
    // init gives monit on a BOSH VM.
    this.daemon = spawn(MONIT, ['-c', this.rc, '-I'], { env: {}, stdio: 'ignore' });
  }

  cli(...args: string[]): { code: number | null; out: string } {
    const r = spawnSync(MONIT, ['-c', this.rc, ...args], { encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  }

  /** `monit summary`, parsed: service name → status text. */
  summary(): Map<string, string> {
    return parseSummary(this.cli('summary', '-B').out);
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'monit.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    const d = this.daemon;
    if (d !== undefined && d.exitCode === null && d.signalCode === null) {
      const exited = new Promise((res) => d.once('exit', res));
      this.cli('quit');
      await within(exited, 10_000);
      if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('monit restart storm', { skip }, () => {
  let r: BoshRoot;
  let monit: Monit | undefined;
  const jobs: string[] = [];
  before(() => {
    r = BoshRoot.create();
  });
  after(async () => {
    await monit?.stop();
    for (const job of jobs) await r.bpm('stop', job);
    await r.cleanup();
  });

  test('5 jobs, many restarts in quick succession: one live container each, pid files right, no leaks', async (t) => {
    const s = seed();
    t.diagnostic(`seed ${s}`);
    const rnd = new Random(s);
    for (let i = 0; i < 3; i++) jobs.push(addSleeperJob(r, 'monit'));
    const slow: string[] = [];
    for (let i = 0; i < 2; i++) {
      const job = r.uniqueJob('monit-slow');
      r.addJob(job, { processes: [{ name: job, executable: r.jobBin(job, 'run') }] }, { run: SLOW_STOPPER });
      slow.push(job);
      jobs.push(job);
    }
    monit = new Monit(r, jobs, slow);
    monit.start();
    const m = monit;

    const allOk = (): boolean => {
      const sum = m.summary();
      return (
        jobs.every((j) => sum.get(j) === 'OK') && jobs.every((j) => inspectJob(r, j, 'running').length === 0)
      );
    };
    assert.ok(await eventually(allOk, 60_000), `monit did not start the jobs:\n${m.log()}`);

    // monit keeps one pending action per service, so requests made while a restart is pending
    // coalesce: keep requesting, in quick succession and across the jobs, until monit has carried
    // out `restarts` of them. Now and then kill a job's process behind monit's back, as a crash
    // would, so that monit's own restart path races the storm too.
    const restarts = scaled(50, 200);
    const done = (): number => (m.log().match(/restart action done/g) ?? []).length;
    let requested = 0;
    const deadline = performance.now() + scaledMs(scaled(120_000, 600_000));
    const inFlight = new Set<Promise<void>>();
    while (done() < restarts && performance.now() < deadline) {
      const job = rnd.pick(jobs);
      const p = new Promise<void>((res) => {
        const c = spawn(MONIT, ['-c', m.rc, 'restart', job], { stdio: 'ignore' });
        c.once('exit', () => res());
      });
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
      requested++;
      if (inFlight.size >= 4) await Promise.race(inFlight);
      if (rnd.next() < 0.03) {
        // A crash is the death of a process that has started. An init killed while its `bpm
        // start` is still at work (inside `runc run`, whose start then fails with `exit status
        // 1`, or in the early-exit watch of docs/behaviour/commands.md, step 8) is a start that
        // failed, which monit rightly logs as "failed to start": spare inits that young.
        const pid = r.containerState(rnd.pick(jobs))?.pid;
        const age = pid !== undefined && pid > 0 ? processAgeMs(pid) : undefined;
        if (pid !== undefined && age !== undefined && age > scaledMs(CRASH_MIN_AGE_MS)) {
          spawnSync('kill', ['-KILL', String(pid)]);
        }
      }
      await sleep(rnd.int(20, 250));
    }
    await Promise.all(inFlight);
    // A `bpm stop` that monit gave up on (the slow stoppers' 1 s stop timeout) still runs once it
    // gets the lock, possibly after monit saw the job OK again; monit then restarts the job on a
    // later cycle. Converged = no bpm left running for this root and monit sees every job OK.
    let settled = false;
    const settleBy = performance.now() + scaledMs(120_000);
    while (!settled && performance.now() < settleBy) {
      await eventually(allOk, 10_000);
      await settle(r);
      settled = allOk();
    }
    const problems = jobs.flatMap((j) => inspectJob(r, j, 'running'));
    const ids = r.containerIds();
    for (const job of jobs) {
      const n = ids.filter((id) => id === `bpm-${job}`).length;
      if (n !== 1) problems.push(`${job}: ${n} containers`);
    }
    assert.ok(settled, `monit did not settle: ${JSON.stringify([...m.summary()])}\n${problems.join('\n')}`);
    assert.deepEqual(problems, []);
    // A start that did not wait for the stop still under way fails (`runc run`: id in use, a
    // bundle pulled away) or reports a container that is about to go; monit logs the former.
    const failedStarts = m
      .log()
      .split('\n')
      .filter((l) => /failed to start/.test(l));
    assert.deepEqual(failedStarts, [], 'monit saw bpm start fail');
    const restartsSeen = done();
    t.diagnostic(`${requested} restarts requested, monit carried out ${restartsSeen}`);
    assert.ok(restartsSeen >= restarts, `monit carried out only ${restartsSeen} restarts:\n${m.log()}`);

    await m.stop();
    monit = undefined;
    for (const job of jobs) {
      const res = await r.bpm('stop', job);
      assert.equal(res.code, 0, res.stderr);
    }
    await settle(r);
    assert.deepEqual([...jobs.flatMap((j) => inspectJob(r, j, 'stopped')), ...inspectRoot(r)], []);
  });
});
