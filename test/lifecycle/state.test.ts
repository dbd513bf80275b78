import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapStatus } from '../../src/lifecycle/state.ts';

test('runc statuses map to bpm states', () => {
  assert.equal(mapStatus('running'), 'running');
  assert.equal(mapStatus('created'), 'created');
  assert.equal(mapStatus('creating'), 'creating');
  assert.equal(mapStatus('stopped'), 'failed');
  assert.equal(mapStatus('paused'), 'failed');
  assert.equal(mapStatus('weird'), 'failed');
});
