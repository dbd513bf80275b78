// list's decisions (docs/behaviour/commands.md §5) through the lifecycle's ports: configured
// processes joined with one `runc list`, notices in order, foreign ids never fatal.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type ListScope, listProcesses } from '../../src/lifecycle/list.ts';
import { RuncError } from '../../src/runc/errors.ts';
import { World, webJob } from './fakes/world.ts';

describe('listProcesses', () => {
  let w: World;
  let notices: string[];
  beforeEach(() => {
    w = new World();
    notices = [];
  });
  afterEach(() => w.cleanup());

  const hooks = {
    onInvalidConfig: (job: string, error: string) => notices.push(`invalid ${job}: ${error}`),
    onExtra: (d: { name: string } | { error: string }) =>
      notices.push('name' in d ? `extra ${d.name}` : `extra error ${d.error}`),
  };
  const list = (scope: ListScope = {}) => listProcesses(w.root, hooks, w.op, scope);
  const brief = (rows: Awaited<ReturnType<typeof list>>) => rows.map((r) => [r.name, r.pid, r.status]);

  test('every configured process in job-name order, joined with runc’s state; one runc call', async () => {
    w.addJob(
      'web',
      'processes:\n- name: web\n  executable: /bin/web\n- name: worker\n  executable: /bin/w\n',
    );
    w.addJob('errand', webJob().replace('web', 'errand'));
    const web = w.runc.add('bpm-web', w.ref('web').paths.bundle('web'));
    w.runc.add('bpm-errand', w.ref('errand').paths.bundle('errand'), 'stopped');
    assert.deepEqual(brief(await list()), [
      ['errand', 0, 'failed'],
      ['web', web.init.pid, 'running'],
      ['web.worker', 0, 'stopped'],
    ]);
    assert.deepEqual(w.runc.calls, ['list']);
    assert.deepEqual(notices, []);
  });

  test('no jobs directory: no rows', async () => {
    assert.deepEqual(await list(), []);
  });

  test('a job without bpm.yml is skipped quietly; an invalid one is reported and skipped', async () => {
    mkdirSync(join(w.dir, 'jobs', 'plain'), { recursive: true });
    w.addJob('bad', 'processes: [');
    w.addJob('web', webJob());
    assert.deepEqual(brief(await list()), [['web', 0, 'stopped']]);
    assert.equal(notices.length, 1);
    assert.match(notices[0] ?? '', /^invalid bad: /);
  });

  test('a file under jobs/ is reported as an invalid config (not a directory)', async () => {
    mkdirSync(join(w.dir, 'jobs'), { recursive: true });
    writeFileSync(join(w.dir, 'jobs', 'stray'), '');
    await list();
    assert.match(notices[0] ?? '', /^invalid stray: .*not a directory$/);
  });

  test('containers nobody configured are reported in runc’s order, a foreign id too, never fatal', async () => {
    w.addJob('web', webJob());
    w.runc.add('bpm-gone', '/elsewhere');
    w.runc.add('someone-else', '/elsewhere');
    assert.deepEqual(brief(await list()), [['web', 0, 'stopped']]);
    assert.deepEqual(notices, ['extra gone', 'extra error invalid job ID (missing prefix): "someone-else"']);
  });

  test('invalid-config notices come before a runc failure, which is thrown as the RuncError', async () => {
    w.addJob('bad', 'processes: [');
    w.runc.failures.list = new RuncError('exit status 1');
    await assert.rejects(list(), (err) => err instanceof RuncError && err.message === 'exit status 1');
    assert.equal(notices.length, 1);
  });

  test('the host probe failing: `failed to fetch system features: …`, after the notices', async () => {
    w.addJob('bad', 'processes: [');
    w.host.probeError = new Error('boom');
    await assert.rejects(list(), { message: 'failed to fetch system features: boom' });
    assert.equal(notices.length, 1);
    assert.deepEqual(w.runc.calls, []);
  });

  test('scoped to one job: others’ containers are not extra; its bad config fails as start would', async () => {
    w.addJob('web', webJob());
    w.runc.add('bpm-other', '/elsewhere');
    assert.deepEqual(brief(await list({ job: 'web' })), [['web', 0, 'stopped']]);
    assert.deepEqual(notices, []);
    w.addJob('web', 'processes: [');
    await assert.rejects(list({ job: 'web' }), /^BpmError: failed to parse job configuration: /);
  });

  test('cancelled: nothing is asked of runc', async () => {
    w.abort.abort();
    await assert.rejects(list(), { message: 'operation cancelled' });
    assert.deepEqual(w.runc.calls, []);
  });
});
