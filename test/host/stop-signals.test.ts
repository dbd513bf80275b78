// SIGTERM/SIGINT caught as a stop request (src/host/stop-signals.ts): real signals to this process;
// the first aborts, later ones are swallowed, release removes the handlers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { catchStopSignals } from '../../src/host/stop-signals.ts';

describe('catchStopSignals', () => {
  test('the first SIGTERM aborts with its name; a second one and a SIGINT are caught too', async () => {
    const before = process.listenerCount('SIGTERM');
    const stop = catchStopSignals();
    try {
      assert.equal(stop.signal.aborted, false);
      process.kill(process.pid, 'SIGTERM');
      await sleep(50);
      assert.equal(stop.signal.aborted, true);
      assert.equal(stop.signal.reason, 'SIGTERM');
      process.kill(process.pid, 'SIGTERM');
      process.kill(process.pid, 'SIGINT');
      await sleep(50);
      assert.equal(stop.signal.reason, 'SIGTERM', 'the first one counts');
    } finally {
      stop.release();
    }
    assert.equal(process.listenerCount('SIGTERM'), before);
    assert.equal(process.listenerCount('SIGINT'), 0);
  });
});
