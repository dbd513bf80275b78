// SIGKILL of `bpm supervise` at a random point of its start-up, of a stop, a start or a restart it
// carries out for a control request, of its shutdown, or of a restart after a crash. The next
// `bpm supervise` must converge: every process running (the new supervisor wants them all up),
// one container each and no other, pid files naming the live inits, no process outside its
// container, nothing leaked once it is stopped with SIGTERM.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { containerId } from '../../src/ids/container-id.ts';
import { BoshRoot, type BpmResult, eventually, scaledMs, skipReason } from '../helpers/bosh-root.ts';
import {
  addSleeperJob,
  escapedProcesses,
  inspectJob,
  inspectRoot,
  Random,
  scaled,
  seed,
  settle,
  supervisorLogCount,
} from './support.ts';

const skip = skipReason();
// start-up last: by then it has learned its range from the next supervisors' start-ups (below).
const SCENARIOS = ['stop', 'start', 'restart', 'shutdown', 'crash', 'start-up'] as const;
type Scenario = (typeof SCENARIOS)[number];
/** Per scenario: the kills that landed while its work was under way, and all its kills. */
type Landings = Record<Scenario, [underWay: number, all: number]>;
const SUPERVISING = 'bpm.supervise.supervising';
const STARTED = 'bpm.supervise.process.started';

/**
 * Watches `done` (every 20 ms, as eventually() does) from now; stop() says after how many ms it
 * first held, or undefined if it does not hold yet.
 */
function timeUntil(done: () => boolean): { stop(): number | undefined } {
  const t0 = performance.now();
  let at: number | undefined;
  const check = () => {
    if (at === undefined && done()) at = performance.now() - t0;
  };
  const timer = setInterval(check, 20);
  return {
    stop() {
      clearInterval(timer);
      check();
      return at;
    },
  };
}

describe('SIGKILL of bpm supervise', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  /** Start a supervisor of `jobs` and wait until it says every process is up. */
  async function supervisor(jobs: readonly string[]) {
    const before = supervisorLogCount(r, SUPERVISING);
    const sup = r.spawnBpm(['supervise', ...jobs.flatMap((j) => ['--job', j])], { timeoutMs: 300_000 });
    const up = () => supervisorLogCount(r, SUPERVISING) > before;
    return { ...sup, up, converged: () => eventually(up, 60_000) };
  }

  /** Everything wrong once a supervisor of `jobs` has converged. */
  function problemsWhenUp(jobs: readonly string[]): string[] {
    const problems = jobs.flatMap((job) => inspectJob(r, job, 'running'));
    const expected = jobs.map((j) => containerId(j, j)).sort();
    const found = r.containerIds();
    if (found.join(' ') !== expected.join(' '))
      problems.push(`containers: expected ${expected.join(' ')}, found ${found.join(' ')}`);
    for (const job of jobs) {
      const escaped = escapedProcesses(job);
      if (escaped.length > 0) problems.push(`${job}: processes outside its container: ${escaped.join(' ')}`);
    }
    return problems;
  }

  test('the next supervisor converges: every process running once, pid files right, no orphan', async (t) => {
    const s = seed();
    t.diagnostic(`seed ${s}`);
    const rnd = new Random(s);
    const trials = scaled(6, 60);
    const jobs = Array.from({ length: 3 }, () => addSleeperJob(r, 'supkill'));
    const failures: string[] = [];
    // The kill comes at a random point of the scenario's work: up to 1.25x the time that work took
    // when it last finished before the kill, so the range follows this machine's speed. Until a
    // scenario has such a time, an action's range is the last one any action learned, and the
    // start-up's also learns from every next supervisor's start-up; at the very first, 1 s of
    // start-up or 0.5 s of an action (3 jobs start in ~0.2-1 s here, one action takes ~0.1-0.4 s),
    // scaled. The diagnostic counts the kills that landed while the work was still under way.
    const learned: Partial<Record<Scenario, number>> = {};
    let lastAction: number | undefined;
    const rangeOf = (sc: Scenario): number =>
      learned[sc] ?? (sc === 'start-up' ? scaledMs(1000) : (lastAction ?? scaledMs(500)));
    const learn = (sc: Scenario, tookMs: number) => {
      learned[sc] = Math.max(1, Math.round(tookMs * 1.25));
      if (sc !== 'start-up') lastAction = learned[sc];
    };
    const landed = Object.fromEntries(SCENARIOS.map((sc) => [sc, [0, 0]])) as Landings;
    for (let i = 0; i < trials && failures.length < 5; i++) {
      const scenario: Scenario = SCENARIOS[i % SCENARIOS.length]!;
      const job = rnd.pick(jobs);
      // Some processes already run (started by bpm start under monit), the others do not.
      for (const j of jobs) if (rnd.next() < 0.5) assert.equal((await r.bpm('start', j)).code, 0);
      const first = await supervisor(jobs);
      // start-up: killed while adopting and starting, done at `supervising`; the others: once it is
      // up, during an action, done when the request is answered, at the shutdown's exit, once the
      // crashed process is started again.
      let request: Promise<BpmResult> | undefined;
      let done = first.up;
      if (scenario !== 'start-up') {
        assert.ok(await first.converged(), `trial ${i}: the first supervisor came up`);
        if (scenario === 'start') assert.equal((await r.bpm('stop', job)).code, 0);
        if (scenario === 'stop' || scenario === 'start' || scenario === 'restart') {
          let answered = false;
          request = r.bpmWith({ timeoutMs: 120_000 }, scenario, job).finally(() => {
            answered = true;
          });
          done = () => answered;
        } else if (scenario === 'shutdown') {
          first.child.kill('SIGTERM');
          done = () => first.child.exitCode !== null || first.child.signalCode !== null;
        } else {
          // crash: the job's init dies behind the supervisor's back; it restarts it at once.
          const startedBefore = supervisorLogCount(r, STARTED, job);
          const pid = r.containerState(job)?.pid ?? 0;
          if (pid > 0) process.kill(pid, 'SIGKILL');
          done = () => supervisorLogCount(r, STARTED, job) > startedBefore;
        }
      }
      const work = timeUntil(done);
      const delay = rnd.int(0, rangeOf(scenario));
      await new Promise((res) => setTimeout(res, delay));
      const tookMs = work.stop();
      first.child.kill('SIGKILL');
      const killed = await first.done;
      landed[scenario][1]++;
      if (tookMs === undefined) landed[scenario][0]++;
      else learn(scenario, tookMs);
      await request; // its connection ends with the supervisor: an error, or done just before
      const racing = rnd.next() < 0.5;
      const label = `trial ${i}: ${scenario} of ${job}, supervisor killed after ${delay} ms (${killed.signal ?? `exit ${killed.code}`}${racing ? ', racing its runc' : ''})`;
      // Half the time the next supervisor comes at once and races runc calls the dead one left.
      if (!racing) await settle(r, 5000);

      const secondAt = performance.now();
      const second = await supervisor(jobs);
      if (!(await second.converged())) failures.push(`${label}: the next supervisor did not converge`);
      else {
        learn('start-up', performance.now() - secondAt);
        const problems = problemsWhenUp(jobs);
        if (problems.length > 0) failures.push(`${label}: ${problems.join('; ')}`);
      }
      second.child.kill('SIGTERM');
      const stopped = await second.done;
      if (stopped.code !== 0) failures.push(`${label}: its SIGTERM exit ${stopped.code}: ${stopped.stderr}`);
      await settle(r, 5000);
      const left = [...jobs.flatMap((j) => inspectJob(r, j, 'stopped')), ...inspectRoot(r)];
      if (left.length > 0) {
        failures.push(`${label}: after the next supervisor's SIGTERM: ${left.join('; ')}`);
        for (const j of jobs) await r.bpm('stop', j); // do not let one failure cascade
      }
    }
    t.diagnostic(`${trials} trials`);
    t.diagnostic(
      `killed with the work under way: ${SCENARIOS.map((sc) => `${sc} ${landed[sc][0]}/${landed[sc][1]}`).join(', ')}`,
    );
    assert.deepEqual(failures, []);
  });
});
