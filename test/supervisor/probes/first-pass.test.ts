// A readiness probe run until its first pass (src/supervisor/probes/first-pass.ts; `bpm run` under
// systemd), in virtual time: the loop's schedule, the end at the first success, the abort.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstPass } from '../../../src/supervisor/probes/first-pass.ts';
import type { ProbeRunner, ProbeTiming } from '../../../src/supervisor/probes/loop.ts';
import { FakeTimers } from './fake-timers.ts';

const TIMING: ProbeTiming = { periodMs: 1_000, timeoutMs: 300, failureThreshold: 3, initialDelayMs: 500 };

/** A runner that passes from attempt `passFrom` on (never when undefined), answering after 10 ms. */
function runner(timers: FakeTimers, passFrom: number | undefined, begun: number[]): ProbeRunner {
  return (abort) =>
    new Promise((resolve) => {
      const n = begun.push(timers.now()) - 1;
      const h = timers.setTimeout(
        () => resolve({ ok: passFrom !== undefined && n >= passFrom, detail: `attempt ${n}` }),
        10,
      );
      abort.addEventListener('abort', () => {
        timers.clearTimeout(h);
        resolve({ ok: false, detail: 'aborted' });
      });
    });
}

test('resolves true at the first pass, after the failures before it; no attempt follows', async () => {
  const timers = new FakeTimers();
  const begun: number[] = [];
  const seen: string[] = [];
  let passed: boolean | undefined;
  void firstPass(
    TIMING,
    runner(timers, 2, begun),
    new AbortController().signal,
    (o) => seen.push(o.detail),
    timers,
  ).then((p) => {
    passed = p;
  });
  await timers.advance(2_505);
  assert.equal(passed, undefined, 'not before the third attempt answered');
  await timers.advance(10);
  assert.equal(passed, true);
  assert.deepEqual(begun, [500, 1_500, 2_500]);
  assert.deepEqual(seen, ['attempt 0', 'attempt 1', 'attempt 2']);
  await timers.advance(10_000);
  assert.deepEqual(begun, [500, 1_500, 2_500], 'probing stopped at the pass');
  assert.equal(timers.pending(), 0);
});

test('a probe that never passes goes on until the abort, which resolves false and ends the attempt in flight', async () => {
  const timers = new FakeTimers();
  const begun: number[] = [];
  const abort = new AbortController();
  let passed: boolean | undefined;
  void firstPass(
    { ...TIMING, timeoutMs: 5_000 },
    runner(timers, undefined, begun),
    abort.signal,
    () => {},
    timers,
  ).then((p) => {
    passed = p;
  });
  await timers.advance(3_505);
  assert.deepEqual(begun, [500, 1_500, 2_500, 3_500]);
  assert.equal(passed, undefined, 'failing for ever: still waiting');
  abort.abort();
  await timers.advance(0);
  assert.equal(passed, false);
  await timers.advance(10_000);
  assert.equal(begun.length, 4, 'nothing after the abort');
  assert.equal(timers.pending(), 0);
});

test('already aborted: false at once, no attempt', async () => {
  const timers = new FakeTimers();
  const begun: number[] = [];
  assert.equal(
    await firstPass(TIMING, runner(timers, 0, begun), AbortSignal.abort(), () => {}, timers),
    false,
  );
  await timers.advance(10_000);
  assert.deepEqual(begun, []);
});
