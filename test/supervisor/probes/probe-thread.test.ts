import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { test } from 'node:test';
import { ProbeThread } from '../../../src/supervisor/probes/probe-thread.ts';
import type { FromProbeThread } from '../../../src/supervisor/probes/thread-protocol.ts';

test('the probe thread runs each loop and posts its results; a stopped loop posts nothing more', async () => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const thread = new ProbeThread();
  const results: FromProbeThread[] = [];
  const timing = { periodMs: 50, timeoutMs: 1_000, failureThreshold: 1, initialDelayMs: 0 };
  const three = new Promise<void>((resolve) => {
    const id = thread.start({ check: { kind: 'tcp', port }, ...timing }, undefined, (r) => {
      results.push(r);
      if (results.length === 3) {
        thread.stop(id);
        resolve();
      }
    });
  });
  await three;
  assert.deepEqual(results[0]?.outcome, { ok: true, detail: 'connected' });
  assert.equal(results[0]?.changed, 'passing');
  assert.equal(results[1]?.changed, undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(results.length, 3, 'nothing after stop');
  server.close();
});

test('an exec probe without a container to enter fails with a result, not a crash', async () => {
  const thread = new ProbeThread();
  const timing = { periodMs: 10_000, timeoutMs: 1_000, failureThreshold: 1, initialDelayMs: 0 };
  const result = await new Promise<FromProbeThread>((resolve) => {
    const id = thread.start({ check: { kind: 'exec', argv: ['true'] }, ...timing }, undefined, (r) => {
      thread.stop(id);
      resolve(r);
    });
  });
  assert.deepEqual(result.outcome, { ok: false, detail: 'no container to exec in' });
  assert.equal(result.changed, 'failing');
});
