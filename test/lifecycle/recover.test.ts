// runningOrCleared (docs/behaviour/commands.md §2 steps 5–6, docs/behaviour/locking-and-recovery.md
// §4.1) through the lifecycle's ports; the events as start and run log them are in start.test.ts
// and run.test.ts, the real-runc failure paths in test/integration/recover.test.ts.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { probeHost } from '../../src/lifecycle/context.ts';
import { runningOrCleared } from '../../src/lifecycle/recover.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { eachWorld, type World } from './fakes/world.ts';

describe('runningOrCleared', () => {
  let w: World;
  eachWorld((world) => {
    w = world;
  });

  const ref = () => w.ref('web');
  const clear = () => runningOrCleared(ref(), probeHost(w.host), w.op, w.logger('start', ref()));
  const add = (status: string) => w.runc.add('bpm-web', ref().paths.bundle('web'), status);

  test('running: its state, nothing removed', async () => {
    const c = add('running');
    assert.deepEqual(await clear(), { status: 'running', pid: c.init.pid });
    assert.deepEqual(w.runc.calls, ['state bpm-web']);
  });

  for (const status of ['stopped', 'paused', 'unheard-of']) {
    test(`${status} counts as failed: removed, then clear`, async () => {
      add(status);
      assert.equal(await clear(), undefined);
      assert.deepEqual(w.runc.calls, ['state bpm-web', 'delete --force bpm-web']);
      assert.equal(w.events()[0], 'bpm.start.removing-stopped-process');
    });
  }

  for (const status of ['created', 'creating']) {
    test(`${status}: left alone (runc run then fails on the taken id)`, async () => {
      add(status);
      assert.equal(await clear(), undefined);
      assert.deepEqual(w.runc.calls, ['state bpm-web']);
      assert.deepEqual(w.events(), []);
    });
  }

  test('no state file: clear without asking runc', async () => {
    assert.equal(await clear(), undefined);
    assert.deepEqual(w.runc.calls, []);
  });

  test('runc failing with a readable state file: the file is kept, the container force-deleted', async () => {
    add('running');
    w.runc.failures.state = new RuncError('exit status 1');
    let fileAtDelete = false;
    const del = w.runc.delete.bind(w.runc);
    w.runc.delete = async (cid) => {
      fileAtDelete = existsSync(w.runc.stateFile(cid));
      return del(cid);
    };
    assert.equal(await clear(), undefined);
    assert.equal(fileAtDelete, true, 'runc delete still had its state');
    assert.deepEqual(w.host.cgroupKills, []);
  });

  test('an unreadable state file: the cgroup’s processes are killed before the file goes', async () => {
    const c = add('running');
    writeFileSync(w.runc.stateFile('bpm-web'), '');
    w.runc.failures.state = new RuncError('unexpected end of JSON input');
    let fileAtKill = false;
    w.host.killContainerProcesses = async (r) => {
      fileAtKill = existsSync(w.runc.stateFile(r.cid));
      w.procs.killContainer(r.cid);
    };
    assert.equal(await clear(), undefined);
    assert.equal(fileAtKill, true);
    assert.equal(c.init.alive, false);
    assert.equal(existsSync(w.runc.stateFile('bpm-web')), false);
  });

  test('another job’s container under this id: refused before runc is asked', async () => {
    w.runc.add('bpm-web', w.ref('other', 'web').paths.bundle('web'));
    await assert.rejects(clear(), /^BpmError: container bpm-web belongs to job other, process web/);
    assert.deepEqual(w.runc.calls, []);
  });
});
