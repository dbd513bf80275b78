import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import type { ProcessConfig } from '../../src/config/types.ts';
import { processRef } from '../../src/lifecycle/process-ref.ts';
import { planReload, Supervision } from '../../src/supervisor/supervision.ts';
import { type FakeSupervisor, fakeSupervisor, settle } from './fakes/ports.ts';

const config = (name: string, env: Record<string, string> = {}) =>
  ({ name, executable: `/bin/${name}`, env: new Map(Object.entries(env)) }) as unknown as ProcessConfig;

test('planReload: new started, gone stopped, changed (env Maps included) restarted, equal unchanged', () => {
  const current = new Map([
    ['j/keep', config('keep', { A: '1' })],
    ['j/change', config('change', { A: '1' })],
    ['j/gone', config('gone')],
  ]);
  const next = new Map([
    ['j/keep', config('keep', { A: '1' })],
    ['j/change', config('change', { A: '2' })],
    ['j/new', config('new')],
  ]);
  assert.deepEqual(planReload(current, next), {
    started: ['j/new'],
    stopped: ['j/gone'],
    restarted: ['j/change'],
    unchanged: ['j/keep'],
  });
  assert.deepEqual(
    planReload(new Map(), next).started,
    ['j/keep', 'j/change', 'j/new'],
    'the first load starts all',
  );
});

// The start-up sweep (docs/supervisor.md, "Start-up sweep") through the fakes: a root without jobs,
// so every container found is one the job files do not name. With real runc and job files:
// test/integration/supervisor/sweep.test.ts.
describe('Supervision: the start-up sweep', () => {
  const root = new RootPaths('/nonexistent-bosh-root');
  const gone = { cid: 'bpm-gone', ref: processRef(root, 'gone', 'gone') };
  const supervision = (f: FakeSupervisor, jobs: string[] = []) =>
    new Supervision({ root, jobs, watcher: f.watcher, log: f.logger, ports: f.ports });
  const messages = (f: FakeSupervisor) => f.log.lines.map((l) => l.message.replace(/^bpm\.supervise\./, ''));

  test('a container no job file names is stopped beside the starts; the shutdown waits for that stop', async () => {
    const f = fakeSupervisor();
    f.found.push(gone, { cid: 'other', problem: 'invalid job ID (missing prefix): "other"' });
    f.process.running();
    const release = f.process.holdLock(); // the sweep's stop waits for the lifecycle lock
    const s = supervision(f);
    const first = await s.start();
    await first.ups;
    let down = false;
    const shutdown = s.stopAll().then(() => {
      down = true;
    });
    await settle();
    assert.equal(down, false, 'the shutdown waits for the sweep in flight');
    release();
    await shutdown;
    assert.deepEqual(f.process.calls, ['clear'], "the lifecycle's stop of a container it did not start");
    assert.equal(f.process.bundleRemovals, 1, 'swept for good: its bundle goes too');
    assert.deepEqual(messages(f), ['not-swept', 'process.stopping', 'process.stopped', 'swept']);
    const [notSwept, , , swept] = f.log.lines;
    assert.equal(notSwept?.data['container'], 'other');
    assert.equal(notSwept?.data['reason'], 'invalid job ID (missing prefix): "other"');
    assert.deepEqual([swept?.data['job'], swept?.data['process']], ['gone', 'gone']);
  });

  test('a container a live bpm run owns is left to it: no stop, no wait', async () => {
    const f = fakeSupervisor();
    f.found.push(gone);
    f.process.running();
    f.process.runner = 4242;
    const release = f.process.holdLock(); // the run holds it until its process ends
    const s = supervision(f);
    await s.start();
    await s.stopAll();
    release();
    assert.deepEqual(f.process.calls, []);
    assert.deepEqual(messages(f), ['left-to-bpm-run']);
    assert.equal(f.log.lines[0]?.data['pid'], '4242');
  });

  test('with --job nothing is swept: the runc root is not even looked at', async () => {
    const f = fakeSupervisor();
    f.found.push(gone);
    f.process.running();
    f.ports.containers = () => assert.fail('containers() is for plain bpm supervise only');
    const s = supervision(f, ['mine']);
    await s.start();
    await s.stopAll();
    assert.deepEqual(f.process.calls, []);
    assert.ok(!messages(f).some((m) => m.includes('swept')));
  });
});

// Errand-only jobs (docs/supervisor.md, "Errand-only jobs"), on a temporary root with job files:
// `smoke` has a bin/run and an empty monit file, `web` a bin/run too (a colocated errand) and a
// `check process` entry.
describe('Supervision: errand-only jobs', () => {
  const setUp = (t: { after: (fn: () => void) => void }): RootPaths => {
    const dir = mkdtempSync(join(tmpdir(), 'bpm-errands-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [job, monit] of [
      ['smoke', ''],
      ['web', 'check process web\n  group vcap\n'],
    ] as const) {
      mkdirSync(join(dir, 'jobs', job, 'config'), { recursive: true });
      mkdirSync(join(dir, 'jobs', job, 'bin'));
      writeFileSync(join(dir, 'jobs', job, 'bin', 'run'), '#!/bin/sh\n');
      writeFileSync(join(dir, 'jobs', job, 'monit'), monit);
      writeFileSync(
        join(dir, 'jobs', job, 'config', 'bpm.yml'),
        `processes:\n- name: ${job}\n  executable: /var/vcap/jobs/${job}/bin/run\n`,
      );
    }
    return new RootPaths(dir);
  };
  const reason = 'errand-only job: jobs/smoke/bin/run exists and its monit file has no check entry';
  const linesOf = (f: FakeSupervisor, message: string) =>
    f.log.lines.filter((l) => l.message === `bpm.supervise.${message}`).map((l) => l.data);

  test('plain mode leaves one alone: not started, its container not swept, logged at start and on reload', async (t) => {
    const root = setUp(t);
    const f = fakeSupervisor();
    f.found.push({ cid: 'bpm-smoke', ref: processRef(root, 'smoke', 'smoke') });
    const s = new Supervision({ root, jobs: [], watcher: f.watcher, log: f.logger, ports: f.ports });
    const first = await s.start();
    await first.ups;
    assert.deepEqual(first.started, ['web/web'], 'the colocated errand job stays supervised');
    assert.deepEqual(
      s.processes.map((p) => p.key),
      ['web/web'],
    );
    await s.reload();
    await s.stopAll();
    assert.deepEqual(linesOf(f, 'not-supervised'), [
      { job: 'smoke', reason, session: '1' },
      { job: 'smoke', reason, session: '1' },
    ]);
    const notSwept = linesOf(f, 'not-swept');
    assert.equal(notSwept.length, 1);
    assert.equal(notSwept[0]?.['reason'], `${reason} (not-supervised)`);
    assert.deepEqual(linesOf(f, 'swept'), []);
    assert.deepEqual(f.process.calls, ['start', 'stop', 'release'], "web's start and stop only");
  });

  test('--job names it: supervised (the operator asked)', async (t) => {
    const root = setUp(t);
    const f = fakeSupervisor();
    const s = new Supervision({ root, jobs: ['smoke'], watcher: f.watcher, log: f.logger, ports: f.ports });
    const first = await s.start();
    assert.deepEqual(first.started, ['smoke/smoke']);
    assert.deepEqual(linesOf(f, 'not-supervised'), []);
    await s.stopAll();
  });
});
