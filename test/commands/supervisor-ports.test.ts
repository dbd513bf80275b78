// The supervisor's process port (src/commands/supervisor-ports.ts) over the lifecycle fakes and a
// real lifecycle lock (flock(2) in a temporary root): a stop keeps the process's lock until the
// removal of its bundle and staging points has ended, so a start of the same process that comes
// meanwhile waits, and never meets a half-removed bundle; a stop that keeps the bundle leaves it to
// the next start, which reuses it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { lifecycleProcessPort } from '../../src/commands/supervisor-ports.ts';
import { lifecycleLockName } from '../../src/ids/container-id.ts';
import { loadConfig, selectProcess } from '../../src/lifecycle/job-config.ts';
import { tryLock } from '../../src/sys/flock.ts';
import { ensureVcap } from '../host/vcap-user.ts';
import { eachWorld, type World } from '../lifecycle/fakes/world.ts';

ensureVcap();

describe('lifecycleProcessPort', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  test('stop holds the lifecycle lock until the removal ends; a start meanwhile waits for it', async () => {
    const ref = w.ref('web');
    const bundle = ref.paths.bundle('web');
    mkdirSync(w.root.locksDir, { recursive: true });
    mkdirSync(bundle, { recursive: true });
    mkdirSync(ref.paths.pidDir, { recursive: true });
    const c = w.runc.add(ref.cid, bundle, 'running', {});
    writeFileSync(ref.paths.pidFile('web'), String(c.init.pid));
    const config = selectProcess(ref, loadConfig(ref, w.logger('stop', ref), 'stop'), w.logger('stop', ref));

    let reachedGate = () => {};
    const reached = new Promise<void>((resolve) => {
      reachedGate = resolve;
    });
    let endRemoval = () => {};
    const removal = new Promise<void>((resolve) => {
      endRemoval = resolve;
    });
    w.host.stagingGate = () => {
      reachedGate();
      return removal.then(() => {
        w.runc.calls.push('(removal ended)');
      });
    };
    const port = lifecycleProcessPort(w.root, w.op);
    const stopping = port.stop(ref, config, w.abort.signal, false); // for good: the bundle goes
    await reached;
    assert.equal(existsSync(bundle), false, 'the bundle is gone before the staging points are cleared');
    const lockFile = w.root.lockFile(lifecycleLockName('web', 'web'));
    assert.equal(tryLock(lockFile), undefined, 'the lock is held while the removal runs');
    // The start finds the lock taken at once (its non-blocking attempt) and waits for it.
    w.host.stagingGate = undefined;
    const starting = port.start(ref, w.abort.signal);
    endRemoval();
    await stopping;
    await starting;
    const calls = w.runc.calls;
    const ended = calls.indexOf('(removal ended)');
    const run = calls.findIndex((call) => call.startsWith('run '));
    assert.ok(ended >= 0 && run > ended, `the start ran runc after the removal ended: ${calls.join(', ')}`);
    assert.ok(existsSync(bundle), 'the start wrote its own bundle');
  });

  test('stop with keepBundle: the container and pid file go, the next start keeps config.json', async () => {
    const ref = w.ref('web');
    const bundle = ref.paths.bundle('web');
    mkdirSync(w.root.locksDir, { recursive: true });
    const port = lifecycleProcessPort(w.root, w.op);
    await port.start(ref, w.abort.signal);
    const config = selectProcess(ref, loadConfig(ref, w.logger('stop', ref), 'stop'), w.logger('stop', ref));
    const written = statSync(ref.paths.configJson('web')).ino;
    await port.stop(ref, config, w.abort.signal, true);
    assert.equal(w.runc.containers.has(ref.cid), false);
    assert.equal(existsSync(ref.paths.pidFile('web')), false);
    assert.ok(existsSync(bundle), 'the bundle stays');
    await port.start(ref, w.abort.signal);
    assert.ok(w.runc.containers.has(ref.cid), 'started again');
    assert.equal(
      statSync(ref.paths.configJson('web')).ino,
      written,
      'the same config.json, not written anew',
    );
  });
});
