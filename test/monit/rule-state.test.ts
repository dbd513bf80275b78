// One service's rules cycle by cycle (src/monit/rule-state.ts): windows, one match per failure,
// recovery, restarts that start the tests afresh and count for `N restarts within M cycles`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuleState, type TestResult } from '../../src/monit/rule-state.ts';
import type { CycleWindow, HealthRule } from '../../src/monit/rules.ts';

const port = (window: CycleWindow): HealthRule => ({
  check: { kind: 'connection', host: '127.0.0.1', port: 80, protocol: 'tcp', path: '/', timeoutMs: 1000 },
  window,
  action: 'restart',
  text: 'failed port 80',
  line: 3,
});
const restarts = (count: number, cycles: number): HealthRule => ({
  check: { kind: 'restarts', count, cycles },
  window: { count: 1, within: 1 },
  action: 'timeout',
  text: `${count} restarts within ${cycles} cycles`,
  line: 4,
});

const F: TestResult = { failed: true, detail: 'refused' };
const OK: TestResult = { failed: false, detail: 'connected' };

/** Run cycles with one result each for a one-rule state; the change of each cycle. */
function run(state: RuleState, results: TestResult[]): (string | undefined)[] {
  return results.map((r) => {
    state.beginCycle();
    return state.endCycle([r]).map((d) => d.change)[0];
  });
}

test('for 3 cycles: matched at the third failure in a row, once; recovered at the first pass', () => {
  const s = new RuleState([port({ count: 3, within: 3 })]);
  assert.deepEqual(run(s, [F, F, OK, F, F, F, F, F, OK, OK]), [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    'matched',
    undefined,
    undefined,
    'recovered',
    undefined,
  ]);
});

test('2 times within 4 cycles: failures need not be in a row', () => {
  const s = new RuleState([port({ count: 2, within: 4 })]);
  assert.deepEqual(run(s, [F, OK, OK, F]), [undefined, undefined, undefined, 'matched']);
  const t = new RuleState([port({ count: 2, within: 4 })]);
  assert.deepEqual(
    run(t, [F, OK, OK, OK, F]),
    [undefined, undefined, undefined, undefined, undefined],
    'out of the window',
  );
});

test('no result (no process to test) is no cycle for the window', () => {
  const s = new RuleState([port({ count: 2, within: 2 })]);
  assert.deepEqual(run(s, [F, undefined, F]), [undefined, undefined, 'matched']);
});

test('a restart starts the tests afresh: a match needs its whole window again', () => {
  const s = new RuleState([port({ count: 2, within: 2 })]);
  assert.deepEqual(run(s, [F, F]), [undefined, 'matched']);
  s.restarted();
  assert.equal(s.isMatched(0), false);
  assert.deepEqual(run(s, [F, F]), [undefined, 'matched'], 'matched again after the restart, not recovered');
});

test('N restarts within M cycles counts restarts by cycle, over a sliding window', () => {
  const s = new RuleState([restarts(3, 4)]);
  const cycle = (restartsNow: number): string | undefined => {
    s.beginCycle();
    for (let i = 0; i < restartsNow; i++) s.restarted();
    const n = s.restartsWithin(4);
    return s.endCycle([{ failed: n >= 3, detail: String(n) }]).map((d) => `${d.change} ${d.detail}`)[0];
  };
  assert.equal(cycle(1), undefined);
  for (let i = 0; i < 3; i++) assert.equal(cycle(0), undefined);
  assert.equal(s.restartsWithin(4), 1, 'the first cycle is still within the last 4');
  assert.equal(cycle(1), undefined);
  assert.equal(s.restartsWithin(4), 1, 'the first one has left the window');
  assert.equal(cycle(1), undefined);
  assert.equal(cycle(1), 'matched 3');
  s.reset();
  assert.equal(s.restartsWithin(4), 0, 'a start on request forgets them');
});
