import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTimestamp, nowNs } from '../../src/log/timestamp.ts';

describe('lager timestamps', () => {
  it('always has nine fractional digits and a literal Z', () => {
    assert.equal(formatTimestamp(1795420370066026044n), '2026-11-23T07:52:50.066026044Z');
    assert.equal(formatTimestamp(0n), '1970-01-01T00:00:00.000000000Z');
    assert.equal(formatTimestamp(1_000_000_007n), '1970-01-01T00:00:01.000000007Z');
  });

  it('follows the wall clock with nanosecond resolution', () => {
    const wall = BigInt(Date.now()) * 1_000_000n;
    const ns = nowNs();
    assert.ok(ns - wall < 50_000_000n && wall - ns < 50_000_000n);
    assert.match(formatTimestamp(nowNs()), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.ok(nowNs() > ns);
  });
});
