// status's view (docs/status.md) through the lifecycle's ports: runc's list, the cgroup figures and
// the last-exit records the host port gives, and the sighting of a container nobody saw die.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { lifecycleLockName } from '../../src/ids/container-id.ts';
import { readLastExit, recordLastExit } from '../../src/lifecycle/last-exit.ts';
import { processViews } from '../../src/lifecycle/status.ts';
import { tryLock } from '../../src/sys/flock.ts';
import { EPOCH_MS } from './fakes/clock.ts';
import { eachWorld, type World } from './fakes/world.ts';

const NOW = EPOCH_MS + 90_000;
const hooks = { onInvalidConfig: () => {}, onExtra: () => {} };

describe('processViews', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
    mkdirSync(world.root.locksDir, { recursive: true });
  });

  const paths = () => w.ref('web').paths;
  const views = () => processViews(w.root, hooks, w.op, {}, 'status', NOW);

  test('running: uptime from runc’s creation time, the cgroup figures the host port reads', async () => {
    const c = w.runc.add('bpm-web', paths().bundle('web'), 'running');
    c.created = new Date(EPOCH_MS).toISOString();
    const usage = { version: 2 as const, memory: { current: 1024, limit: null }, oomKills: 0 };
    w.host.usage.set('bpm-web', usage);
    const [view] = await views();
    assert.equal(view?.status, 'running');
    assert.equal(view?.uptimeSeconds, 90);
    assert.deepEqual(view?.cgroup, usage);
    assert.equal(view?.lastExit, undefined);
  });

  test('no container: the last exit on record, no cgroup figures', async () => {
    const exit = { at: new Date(EPOCH_MS).toISOString(), code: 3, signal: null, seenBy: 'stop' as const };
    recordLastExit(paths(), 'web', exit);
    const [view] = await views();
    assert.equal(view?.status, 'stopped');
    assert.deepEqual(view?.lastExit, exit);
    assert.equal(view?.cgroup, undefined);
  });

  test('found stopped, nobody saw it die: a sighting by status, with the OOM kills, recorded once', async () => {
    w.runc.add('bpm-web', paths().bundle('web'), 'stopped');
    w.host.usage.set('bpm-web', { version: 1, oomKills: 1 });
    const seen = {
      at: new Date(NOW).toISOString(),
      code: null,
      signal: null,
      seenBy: 'status',
      oomKilled: true,
    };
    const [view] = await views();
    assert.equal(view?.status, 'failed');
    assert.deepEqual(view?.lastExit, seen);
    assert.deepEqual(readLastExit(paths(), 'web'), seen);
  });

  test('found stopped while a start or stop holds the lock: shown, not recorded', async () => {
    w.runc.add('bpm-web', paths().bundle('web'), 'stopped');
    const held = tryLock(w.root.lockFile(lifecycleLockName('web', 'web')));
    assert.ok(held);
    try {
      const [view] = await views();
      assert.equal(view?.lastExit?.seenBy, 'status');
      assert.equal(readLastExit(paths(), 'web'), undefined);
    } finally {
      held.release();
    }
  });
});
