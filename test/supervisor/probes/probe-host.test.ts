import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wantsProbeThread } from '../../../src/supervisor/probes/probe-host.ts';

test('the probe loops run on the main thread unless BPM_PROBE_THREAD=1 asks for the probe thread', () => {
  assert.equal(wantsProbeThread({}), false);
  assert.equal(wantsProbeThread({ BPM_PROBE_THREAD: '0' }), false);
  assert.equal(wantsProbeThread({ BPM_PROBE_THREAD: '' }), false);
  assert.equal(wantsProbeThread({ BPM_PROBE_THREAD: '1' }), true);
});
