// The errand-only rule (src/supervisor/errand-jobs.ts): a bin/run and monit files without a
// `check` entry. What plain `bpm supervise` does with such a job: supervision.test.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RootPaths } from '../../src/bosh/paths.ts';
import { declaresService, errandOnlyReason, readJobLayout } from '../../src/supervisor/errand-jobs.ts';

const CHECK = 'check process web\n  with pidfile /var/vcap/sys/run/bpm/web/web.pid\n  group vcap\n';

test('declaresService: a check entry, not a word in a comment or a quoted string', () => {
  assert.equal(declaresService(CHECK), true);
  assert.equal(declaresService('CHECK PROCESS web'), true, 'monit keywords are case-insensitive');
  assert.equal(declaresService(''), false, 'the empty monit file BOSH ships with an errand');
  assert.equal(declaresService('# check process web\n\n'), false);
  assert.equal(declaresService('set daemon 10 "check me"\n'), false);
  assert.equal(declaresService('"a # b" check host x'), true, 'a # in a string starts no comment');
  assert.equal(declaresService(undefined), true, 'an unreadable file counts as one that declares');
});

test('errandOnlyReason: bin/run and no check entry in any monit file; no monit file at all is no BOSH job', () => {
  const reason = 'errand-only job: jobs/smoke/bin/run exists and its monit file has no check entry';
  assert.equal(errandOnlyReason('smoke', { hasRunScript: true, monitFiles: [''] }), reason);
  assert.equal(errandOnlyReason('smoke', { hasRunScript: true, monitFiles: ['', '# none'] }), reason);
  assert.equal(
    errandOnlyReason('web', { hasRunScript: true, monitFiles: [CHECK] }),
    undefined,
    'colocated errand',
  );
  assert.equal(
    errandOnlyReason('web', { hasRunScript: true, monitFiles: ['', CHECK] }),
    undefined,
    'web.monit',
  );
  assert.equal(errandOnlyReason('web', { hasRunScript: false, monitFiles: [''] }), undefined);
  assert.equal(errandOnlyReason('web', { hasRunScript: true, monitFiles: [] }), undefined);
});

test('readJobLayout: bin/run, and monit and *.monit in name order', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bpm-errand-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const root = new RootPaths(dir);
  assert.deepEqual(readJobLayout(root, 'none'), { hasRunScript: false, monitFiles: [] });
  const job = join(dir, 'jobs', 'j');
  mkdirSync(join(job, 'bin'), { recursive: true });
  writeFileSync(join(job, 'bin', 'run'), '#!/bin/sh\n');
  writeFileSync(join(job, 'monit'), '');
  writeFileSync(join(job, 'worker.monit'), CHECK);
  writeFileSync(join(job, 'monitrc'), 'check process x');
  assert.deepEqual(readJobLayout(root, 'j'), { hasRunScript: true, monitFiles: ['', CHECK] });
});
