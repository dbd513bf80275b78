import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wantsMainThread } from '../../../src/supervisor/probes/probe-host.ts';

test('the probe loops run on the probe thread unless BPM_PROBE_THREAD=0 asks for the main thread', () => {
  assert.equal(wantsMainThread({}), false);
  assert.equal(wantsMainThread({ BPM_PROBE_THREAD: '1' }), false);
  assert.equal(wantsMainThread({ BPM_PROBE_THREAD: '' }), false);
  assert.equal(wantsMainThread({ BPM_PROBE_THREAD: '0' }), true);
});
