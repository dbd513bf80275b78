// The running container init of `pid`, `shell`, `exec` and `trace` (docs/behaviour/commands.md §6, §8),
// through the operation's ports: an in-memory runc and a fake host in a temporary BOSH root.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancelledError } from '../../src/lifecycle/context.ts';
import { containerProcesses, runningInit } from '../../src/lifecycle/running-init.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { eachWorld, type World } from './fakes/world.ts';

describe('runningInit', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const bundle = () => w.ref('web').paths.bundle('web');
  const init = () => runningInit(w.root, 'web', 'web', w.op);

  test('a running container: its init pid, from one runc call (state), and the probed host', async () => {
    const c = w.runc.add('bpm-web', bundle(), 'running');
    const found = await init();
    assert.equal(found.pid, c.init.pid);
    assert.equal(found.cid, 'bpm-web');
    assert.equal(found.runc, w.runc);
    assert.equal(found.features, w.host.features);
    assert.deepEqual(w.runc.calls, ['state bpm-web']);
  });

  test('no container, or a stopped one: `process is not running or could not be found`', async () => {
    await assert.rejects(init(), { message: 'process is not running or could not be found' });
    w.runc.add('bpm-web', bundle(), 'stopped');
    await assert.rejects(init(), { message: 'process is not running or could not be found' });
  });

  test('runc state failing: `failed to get job: …`', async () => {
    w.runc.add('bpm-web', bundle(), 'running');
    w.runc.failures.state = new RuncError('exit status 1');
    await assert.rejects(init(), { message: 'failed to get job: exit status 1' });
  });

  test('the host probe failing: `failed to fetch system features: …`, before any runc call', async () => {
    w.host.probeError = new Error('open /proc/self/mountinfo: permission denied');
    await assert.rejects(init(), {
      message: 'failed to fetch system features: open /proc/self/mountinfo: permission denied',
    });
    assert.deepEqual(w.runc.calls, []);
  });

  test('cancelled: CancelledError before any runc call', async () => {
    w.runc.add('bpm-web', bundle(), 'running');
    w.abort.abort();
    await assert.rejects(init(), CancelledError);
    assert.deepEqual(w.runc.calls, []);
  });

  test('containerProcesses: the init first, then the other pids of its cgroups in order', async () => {
    const c = w.runc.add('bpm-web', bundle(), 'running');
    w.host.cgroupPids.set('bpm-web', [9001, c.init.pid, 4711]);
    assert.deepEqual(await containerProcesses(await init(), w.host), [c.init.pid, 4711, 9001]);
    w.host.cgroupPids.delete('bpm-web');
    assert.deepEqual(await containerProcesses(await init(), w.host), [c.init.pid]);
  });
});
