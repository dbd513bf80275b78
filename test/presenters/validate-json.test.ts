import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderValidateJson } from '../../src/presenters/validate-json.ts';
import { REPORTS } from './validate-fixture.ts';

test('one document: every finding with the same keys (hint "" when none), scores, totals', () => {
  const text = renderValidateJson(REPORTS);
  assert.ok(text.endsWith('}\n'));
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc), ['findings', 'security', 'errors', 'warnings']);
  for (const f of doc.findings) {
    assert.deepEqual(Object.keys(f), [
      'file',
      'line',
      'column',
      'field',
      'severity',
      'code',
      'message',
      'hint',
    ]);
  }
  assert.equal(doc.findings[0].hint, 'use TERM or INT');
  assert.equal(doc.findings[1].hint, '');
  assert.deepEqual(
    doc.security.map((s: { job: string; file: string; process: string; score: number }) => [
      s.job,
      s.file,
      s.process,
      s.score,
    ]),
    [
      ['web', '/r/jobs/web/config/bpm.yml', 'web', 87],
      ['db', '/r/jobs/db/config/bpm.yml', 'db', 100],
    ],
  );
  assert.equal(doc.errors, 1);
  assert.equal(doc.warnings, 1);
});
