import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAtOrBelow } from '../../src/oci/path-within.ts';

test('component-wise: equal or below counts, a shared string prefix does not', () => {
  assert.equal(isAtOrBelow('/var/vcap/jobs/service-metrics', '/var/vcap/jobs/service-metrics'), true);
  assert.equal(isAtOrBelow('/var/vcap/jobs/service-metrics/x', '/var/vcap/jobs/service-metrics'), true);
  assert.equal(
    isAtOrBelow('/var/vcap/jobs/service-metrics-adapter/x', '/var/vcap/jobs/service-metrics'),
    false,
  );
  assert.equal(isAtOrBelow('/var/vcap/jobs', '/var/vcap/jobs/service-metrics'), false);
  assert.equal(isAtOrBelow('/tmpfoo', '/tmp'), false);
});

test('paths are cleaned before comparing', () => {
  assert.equal(isAtOrBelow('/tmp/', '/tmp'), true);
  assert.equal(isAtOrBelow('//tmp//a/./b', '/tmp'), true);
  assert.equal(isAtOrBelow('/tmp/../etc', '/tmp'), false);
  assert.equal(isAtOrBelow('/var/x/../tmp/y', '/var/tmp'), true);
});

test('a relative path is never below an absolute one; / is below nothing but /', () => {
  assert.equal(isAtOrBelow('tmp/x', '/tmp'), false);
  assert.equal(isAtOrBelow('/', '/tmp'), false);
  assert.equal(isAtOrBelow('/anything', '/'), true);
});
