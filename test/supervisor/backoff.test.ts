// The restart schedule on a fake clock: at once, then initial_delay doubling to max_delay, reset
// after a healthy run; which exits each policy restarts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESTART, type RestartConfig } from '../../src/config/supervision.ts';
import { BackoffSchedule, backoffDelay, policyRestarts } from '../../src/supervisor/backoff.ts';

/** A process that runs `runMs` each time and is restarted when the plan says. */
function crashLoop(config: RestartConfig, runs: number, runMs: number): number[] {
  const schedule = new BackoffSchedule(config);
  let now = 1_000_000;
  const delays: number[] = [];
  for (let i = 0; i < runs; i++) {
    const startedAt = now;
    now += runMs;
    const plan = schedule.exited({ code: 1 }, startedAt, now);
    assert.ok(plan);
    assert.equal(plan.at, now + plan.delayMs);
    delays.push(plan.delayMs);
    now = plan.at;
  }
  return delays;
}

test('defaults: at once, then 10 s doubling, capped at 5 min', () => {
  const s = 1_000;
  assert.deepEqual(
    crashLoop(DEFAULT_RESTART, 9, 100),
    [0, 10, 20, 40, 80, 160, 300, 300, 300].map((x) => x * s),
  );
});

test('a run of reset_after or longer starts the streak again', () => {
  const config = { ...DEFAULT_RESTART, initialDelayMs: 100, maxDelayMs: 1_000, resetAfterMs: 5_000 };
  const schedule = new BackoffSchedule(config);
  assert.equal(schedule.exited({ code: 1 }, 0, 10)?.delayMs, 0);
  assert.equal(schedule.exited({ code: 1 }, 10, 20)?.delayMs, 100);
  assert.equal(schedule.exited({ code: 1 }, 120, 130)?.delayMs, 200);
  assert.equal(schedule.exited({ code: 1 }, 330, 330 + 4_999)?.delayMs, 400, 'just short of reset_after');
  assert.equal(schedule.exited({ code: 1 }, 10_000, 15_000)?.delayMs, 0, 'ran reset_after');
  assert.equal(schedule.exited({ code: 1 }, 15_000, 15_001)?.delayMs, 100);
  assert.equal(schedule.restarts, 6);
  schedule.reset();
  assert.equal(schedule.exited({ code: 1 }, 20_000, 20_001)?.delayMs, 0, 'after an operator restart');
});

test('policies: always restarts everything, on-failure all but exit 0, never nothing', () => {
  const ok = { code: 0 };
  const failed = { code: 3 };
  const killed = { signal: 'KILL' };
  assert.deepEqual(
    [ok, failed, killed].map((e) => policyRestarts('always', e)),
    [true, true, true],
  );
  assert.deepEqual(
    [ok, failed, killed].map((e) => policyRestarts('on-failure', e)),
    [false, true, true],
  );
  assert.deepEqual(
    [ok, failed, killed].map((e) => policyRestarts('never', e)),
    [false, false, false],
  );
  const never = new BackoffSchedule({ ...DEFAULT_RESTART, policy: 'never' });
  assert.equal(never.exited(failed, 0, 1), undefined);
  assert.equal(never.restarts, 0);
});

test('huge streaks stay at the cap', () => {
  assert.equal(backoffDelay(DEFAULT_RESTART, 5_000), DEFAULT_RESTART.maxDelayMs);
  assert.equal(backoffDelay({ ...DEFAULT_RESTART, initialDelayMs: 0 }, 50), 0);
});
