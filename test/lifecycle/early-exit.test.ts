import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EARLY_EXIT_MAX_MS, EARLY_EXIT_MIN_MS, earlyExitWindow } from '../../src/lifecycle/early-exit.ts';

test('the early-exit watch lasts as long as runc took, within 50–250 ms', () => {
  assert.equal(EARLY_EXIT_MIN_MS, 50);
  assert.equal(EARLY_EXIT_MAX_MS, 250);
  assert.equal(earlyExitWindow(0), 50);
  assert.equal(earlyExitWindow(43.4), 50);
  assert.equal(earlyExitWindow(120.6), 121);
  assert.equal(earlyExitWindow(4000), 250);
});
