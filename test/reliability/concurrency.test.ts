// Races: many concurrent `bpm start` / `bpm stop` on one job and across several jobs, in a random
// mix. Afterwards the state is what the last operation to take the lifecycle lock asked for (read
// from bpm.log, whose lines are single O_APPEND writes in lock order), every invocation exited 0
// with nothing on stderr, and nothing leaked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BoshRoot, type BpmResult, skipReason } from '../helpers/bosh-root.ts';
import { addSleeperJob, inspectJob, inspectRoot, Random, scaled, seed, settle } from './support.ts';

const skip = skipReason();

/** The command (start/stop) of the last `acquiring-lifecycle-lock.complete` line in JOB's bpm.log. */
function lastLockHolder(r: BoshRoot, job: string): 'start' | 'stop' | undefined {
  const lines = r.bpmLog(job).filter((l) => l.message.endsWith('.acquiring-lifecycle-lock.complete'));
  const last = lines.at(-1)?.message;
  if (last === 'bpm.start.acquiring-lifecycle-lock.complete') return 'start';
  if (last === 'bpm.stop.acquiring-lifecycle-lock.complete') return 'stop';
  return undefined;
}

async function storm(r: BoshRoot, rnd: Random, jobs: string[], perJob: number): Promise<BpmResult[]> {
  const runs: Promise<BpmResult>[] = [];
  for (const job of jobs) {
    for (let i = 0; i < perJob; i++) {
      const op = rnd.next() < 0.5 ? 'start' : 'stop';
      const delay = rnd.int(0, 300);
      runs.push(
        new Promise<void>((res) => setTimeout(res, delay)).then(() =>
          r.bpmWith({ timeoutMs: 300_000 }, op, job),
        ),
      );
    }
  }
  return Promise.all(runs);
}

function assertCleanRuns(results: BpmResult[]): void {
  const bad = results.filter((x) => x.code !== 0 || x.stderr !== '' || x.stdout !== '');
  assert.deepEqual(
    bad.map((x) => `exit ${x.code ?? x.signal}: ${x.stderr.trim()}`),
    [],
    `${bad.length} of ${results.length} invocations failed`,
  );
}

describe('concurrent start/stop', { skip }, () => {
  let r: BoshRoot;
  before(() => {
    r = BoshRoot.create();
  });
  after(() => r.cleanup());

  test('a random mix on one job ends as the last lock holder asked', async (t) => {
    const s = seed();
    t.diagnostic(`seed ${s}`);
    const rnd = new Random(s);
    const job = addSleeperJob(r, 'race1');
    const n = scaled(40, 120);
    const results = await storm(r, rnd, [job], n);
    assertCleanRuns(results);
    await settle(r);
    const last = lastLockHolder(r, job);
    assert.ok(last !== undefined, 'no lock acquisition in bpm.log');
    assert.deepEqual(inspectJob(r, job, last === 'start' ? 'running' : 'stopped'), [], `last op: ${last}`);
    assert.deepEqual(inspectRoot(r), []);
    t.diagnostic(`${n} invocations, last lock holder: ${last}`);
    assert.equal((await r.bpm('stop', job)).code, 0);
    assert.deepEqual(inspectJob(r, job, 'stopped'), []);
  });

  test('a random mix across 10 jobs ends as each job’s last lock holder asked', async (t) => {
    const s = seed();
    t.diagnostic(`seed ${s}`);
    const rnd = new Random(s);
    const jobs = Array.from({ length: 10 }, () => addSleeperJob(r, 'race10'));
    const perJob = scaled(6, 100);
    const results = await storm(r, rnd, jobs, perJob);
    assertCleanRuns(results);
    await settle(r);
    const problems: string[] = [];
    for (const job of jobs) {
      const last = lastLockHolder(r, job);
      if (last === undefined) problems.push(`${job}: no lock acquisition in bpm.log`);
      else problems.push(...inspectJob(r, job, last === 'start' ? 'running' : 'stopped'));
    }
    problems.push(...inspectRoot(r));
    assert.deepEqual(problems, []);
    t.diagnostic(`${perJob * jobs.length} invocations across ${jobs.length} jobs`);
    for (const job of jobs) assert.equal((await r.bpm('stop', job)).code, 0);
    for (const job of jobs) assert.deepEqual(inspectJob(r, job, 'stopped'), []);
  });
});
