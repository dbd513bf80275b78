import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeConfig } from '../../../src/config/supervision.ts';
import { InProcessProbes } from '../../../src/supervisor/probes/in-process.ts';
import type { ExecTarget, FromProbeThread } from '../../../src/supervisor/probes/thread-protocol.ts';
import { FakeTimers } from './fake-timers.ts';

const CONFIG: ProbeConfig = {
  check: { kind: 'tcp', port: 1 },
  periodMs: 1_000,
  timeoutMs: 300,
  failureThreshold: 1,
  initialDelayMs: 500,
};

test('each loop runs on the calling thread on its own schedule; its results carry its id', async () => {
  const timers = new FakeTimers();
  const asked: { config: ProbeConfig; exec: ExecTarget | undefined }[] = [];
  const probes = new InProcessProbes((config, exec) => {
    asked.push({ config, exec });
    return () => Promise.resolve({ ok: true, detail: 'connected' });
  }, timers);
  const exec: ExecTarget = {
    cid: 'bpm-web',
    runc: { binary: '/bin/runc', root: '/r', systemdCgroup: false },
  };
  const heard: FromProbeThread[] = [];
  const a = probes.start(CONFIG, undefined, (r) => heard.push(r));
  const b = probes.start({ ...CONFIG, initialDelayMs: 700 }, exec, (r) => heard.push(r));
  assert.notEqual(a, b);
  assert.deepEqual(
    asked.map((x) => x.exec),
    [undefined, exec],
    'the runner is made from the config and the exec target',
  );
  await timers.advance(500);
  assert.deepEqual(
    heard.map((r) => [r.id, r.changed, r.view.status]),
    [[a, 'passing', 'passing']],
  );
  await timers.advance(200);
  assert.deepEqual(
    heard.map((r) => r.id),
    [a, b],
  );
  await timers.advance(800);
  assert.deepEqual(
    heard.map((r) => [r.id, r.changed]),
    [
      [a, 'passing'],
      [b, 'passing'],
      [a, undefined],
    ],
  );
  assert.equal(probes.size, 2);
});

test('stop aborts the attempt in flight, drops its result and arms nothing more', async () => {
  const timers = new FakeTimers();
  let aborted = 0;
  const probes = new InProcessProbes(
    () => (abort) =>
      new Promise((resolve) => {
        abort.addEventListener('abort', () => {
          aborted += 1;
          resolve({ ok: false, detail: 'aborted' });
        });
      }),
    timers,
  );
  const heard: FromProbeThread[] = [];
  const id = probes.start(CONFIG, undefined, (r) => heard.push(r));
  await timers.advance(600);
  probes.stop(id);
  probes.stop(id);
  await timers.advance(10_000);
  assert.equal(aborted, 1);
  assert.deepEqual(heard, []);
  assert.equal(probes.size, 0);
  assert.equal(timers.pending(), 0, 'no timer left behind');
});
