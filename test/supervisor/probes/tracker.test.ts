import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProbeTracker } from '../../../src/supervisor/probes/tracker.ts';

const ok = { ok: true, detail: 'HTTP 200' };
const bad = { ok: false, detail: 'HTTP 503' };

test('unknown until a result decides; one success passes', () => {
  const t = new ProbeTracker(3);
  assert.deepEqual(t.view(), { status: 'unknown', consecutiveFailures: 0 });
  assert.equal(t.record(ok, 5), 'passing');
  assert.deepEqual(t.view(), { status: 'passing', consecutiveFailures: 0, last: { ...ok, at: 5 } });
  assert.equal(t.record(ok, 6), undefined, 'no change, no transition');
});

test('failing takes failure_threshold consecutive failures; a success in between resets the count', () => {
  const t = new ProbeTracker(3);
  t.record(ok, 0);
  assert.equal(t.record(bad, 1), undefined);
  assert.equal(t.record(bad, 2), undefined);
  assert.equal(t.record(ok, 3), undefined, 'still passing');
  assert.equal(t.view().consecutiveFailures, 0);
  assert.equal(t.record(bad, 4), undefined);
  assert.equal(t.record(bad, 5), undefined);
  assert.equal(t.record(bad, 6), 'failing');
  assert.deepEqual(t.view(), { status: 'failing', consecutiveFailures: 3, last: { ...bad, at: 6 } });
  assert.equal(t.record(bad, 7), undefined, 'failing stays failing without a new transition');
  assert.equal(t.view().consecutiveFailures, 4);
  assert.equal(t.record(ok, 8), 'passing');
});

test('before the first success, failures below the threshold leave it unknown', () => {
  const t = new ProbeTracker(2);
  assert.equal(t.record(bad, 0), undefined);
  assert.equal(t.view().status, 'unknown');
  assert.equal(t.record(bad, 1), 'failing');
});

test('a threshold of 1 fails on the first failure', () => {
  const t = new ProbeTracker(1);
  assert.equal(t.record(bad, 0), 'failing');
});
