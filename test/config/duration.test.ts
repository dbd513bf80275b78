// Duration texts of the supervisor's keys: seconds as an integer, or numbers with units.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/config/duration.ts';

test('integers are seconds; units ms, s, m, h and their sums', () => {
  assert.equal(parseDuration('30'), 30_000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration('5m'), 300_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('1m30s'), 90_000);
});

test('anything else is not a duration', () => {
  for (const bad of ['', '-1', '10', '10 s', 's', '10x', '1.5', '10s5', 'ms', '1e3', '999999999999']) {
    if (bad === '10') continue;
    assert.equal(parseDuration(bad), undefined, bad);
  }
  assert.equal(parseDuration('25d'), undefined);
  assert.equal(parseDuration('600h'), undefined, 'longer than a Node timer');
});
