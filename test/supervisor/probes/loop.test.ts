import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProbeLoop, type ProbeRunner, type ProbeTiming } from '../../../src/supervisor/probes/loop.ts';
import type { ProbeOutcome, ProbeStatus } from '../../../src/supervisor/probes/tracker.ts';
import { FakeTimers } from './fake-timers.ts';

const TIMING: ProbeTiming = { periodMs: 1_000, timeoutMs: 300, failureThreshold: 3, initialDelayMs: 500 };

interface Harness {
  timers: FakeTimers;
  loop: ProbeLoop;
  begun: number[];
  results: { at: number; outcome: ProbeOutcome; changed: ProbeStatus | undefined }[];
}

/** A loop whose runner answers with `answer(n)` (n counts attempts from 0) after `takesMs` of virtual time. */
function harness(answer: (n: number) => ProbeOutcome, takesMs = 10, timing = TIMING): Harness {
  const timers = new FakeTimers();
  const begun: number[] = [];
  const results: Harness['results'] = [];
  const run: ProbeRunner = (abort) =>
    new Promise((resolve) => {
      const n = begun.push(timers.now()) - 1;
      const h = timers.setTimeout(() => resolve(answer(n)), takesMs);
      abort.addEventListener('abort', () => {
        timers.clearTimeout(h);
        resolve({ ok: false, detail: 'aborted' });
      });
    });
  const loop = new ProbeLoop(timing, run, timers, (outcome, changed) =>
    results.push({ at: timers.now(), outcome, changed }),
  );
  return { timers, loop, begun, results };
}

const pass = (): ProbeOutcome => ({ ok: true, detail: 'ok' });
const fail = (): ProbeOutcome => ({ ok: false, detail: 'no' });

test('the first attempt comes after initial_delay, then one every period, from the start of the previous', async () => {
  const h = harness(pass);
  h.loop.start();
  await h.timers.advance(499);
  assert.deepEqual(h.begun, []);
  await h.timers.advance(3_011);
  assert.deepEqual(h.begun, [500, 1_500, 2_500, 3_500]);
  assert.deepEqual(
    h.results.map((r) => [r.at, r.changed]),
    [
      [510, 'passing'],
      [1_510, undefined],
      [2_510, undefined],
      [3_510, undefined],
    ],
  );
  h.loop.stop();
  assert.equal(h.timers.pending(), 0, 'stop leaves no timer');
});

test('a timer that fires late (a busy event loop) delays that attempt only: the next is due a period after the late one was due', async () => {
  const h = harness(pass);
  h.loop.start();
  await h.timers.advance(1_400);
  assert.deepEqual(h.begun, [500]);
  // The event loop is busy from 1 400 to 1 700: the attempt due at 1 500 begins at 1 700.
  await h.timers.busy(300);
  await h.timers.advance(2_000);
  assert.deepEqual(h.begun, [500, 1_700, 2_500, 3_500]);
  h.loop.stop();
});

test('an attempt slower than the period delays the next one until its result: never two at once', async () => {
  const h = harness(pass, 250, { ...TIMING, periodMs: 100, timeoutMs: 1_000, initialDelayMs: 0 });
  h.loop.start();
  await h.timers.advance(800);
  assert.deepEqual(h.begun, [0, 250, 500, 750]);
  h.loop.stop();
});

test('failure_threshold consecutive failures flip it to failing once; a success flips it back', async () => {
  const answers = [true, false, false, true, false, false, false, false, true];
  const h = harness((n) => (answers[n] ? pass() : fail()), 10, { ...TIMING, initialDelayMs: 0 });
  h.loop.start();
  await h.timers.advance(8_500);
  assert.deepEqual(
    h.results.map((r) => r.changed),
    ['passing', undefined, undefined, undefined, undefined, undefined, 'failing', undefined, 'passing'],
  );
  assert.equal(h.loop.view().consecutiveFailures, 0);
  h.loop.stop();
});

test('an attempt that hangs is cut off at its timeout: a failure then, the runner aborted', async () => {
  const h = harness(pass, 60_000, { ...TIMING, initialDelayMs: 0 });
  h.loop.start();
  await h.timers.advance(299);
  assert.equal(h.results.length, 0);
  await h.timers.advance(1);
  assert.deepEqual(h.results[0], {
    at: 300,
    outcome: { ok: false, detail: 'timed out after 300 ms' },
    changed: undefined,
  });
  await h.timers.advance(2_000);
  assert.deepEqual(h.begun, [0, 1_000, 2_000], 'the schedule goes on after each cut-off');
  assert.equal(h.results.at(-1)?.changed, 'failing', 'three timeouts make three failures');
  h.loop.stop();
});

test('a runner that ignores the abort still yields its failure at the timeout; the next attempt waits for it', async () => {
  const timers = new FakeTimers();
  let release!: (o: ProbeOutcome) => void;
  const begun: number[] = [];
  const results: ProbeOutcome[] = [];
  const loop = new ProbeLoop(
    { ...TIMING, initialDelayMs: 0, failureThreshold: 1 },
    () => {
      begun.push(timers.now());
      return new Promise((resolve) => {
        release = resolve;
      });
    },
    timers,
    (outcome) => results.push(outcome),
  );
  loop.start();
  await timers.advance(5_000);
  assert.deepEqual(results, [{ ok: false, detail: 'timed out after 300 ms' }]);
  assert.equal(loop.view().status, 'failing');
  assert.deepEqual(begun, [0], 'no second attempt while the first has not settled');
  release(pass());
  await timers.advance(1);
  assert.deepEqual(begun, [0, 5_000], 'overdue: the next attempt starts at once');
  loop.stop();
});

test('a rejecting runner counts as a failure with its message', async () => {
  const timers = new FakeTimers();
  const results: ProbeOutcome[] = [];
  const loop = new ProbeLoop(
    { ...TIMING, initialDelayMs: 0 },
    () => Promise.reject(new Error('fork/exec runc: no such file or directory')),
    timers,
    (o) => results.push(o),
  );
  loop.start();
  await timers.advance(0);
  assert.deepEqual(results, [{ ok: false, detail: 'fork/exec runc: no such file or directory' }]);
  loop.stop();
});

test('stop aborts the attempt in flight and ignores its result; nothing runs after it', async () => {
  const h = harness(pass, 200, { ...TIMING, initialDelayMs: 0 });
  h.loop.start();
  await h.timers.advance(100);
  h.loop.stop();
  await h.timers.advance(10_000);
  assert.deepEqual(h.begun, [0]);
  assert.deepEqual(h.results, []);
  assert.equal(h.timers.pending(), 0);
});
