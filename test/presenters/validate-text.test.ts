import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findingLine, renderValidateText } from '../../src/presenters/validate-text.ts';
import { REPORTS } from './validate-fixture.ts';

test('findings compiler style with hints, security summaries, then the totals', () => {
  assert.equal(
    renderValidateText(REPORTS),
    [
      "/r/jobs/web/config/bpm.yml:4:20: error: processes[0].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'KILL' [config-invalid]",
      '    hint: use TERM or INT',
      '/r/jobs/web/config/bpm.yml:5:3: warning: processes[0].colour: unknown key "colour" is ignored by bpm [unknown-key]',
      'security web/web: 87/100 (good)',
      '  -3\tcapabilities: NET_BIND_SERVICE\textra capability',
      '  -5\tlimits.memory\tno memory limit',
      '  -5\tlimits.processes\tno process limit (fork bombs)',
      'security db/db: 100/100 (hardened)',
      '2 jobs checked: 1 error, 1 warning',
      '',
    ].join('\n'),
  );
});

test('a finding for the whole file has no field part', () => {
  assert.equal(
    findingLine({
      file: '/x.yml',
      line: 0,
      column: 0,
      field: '',
      severity: 'error',
      code: 'config-unreadable',
      message: 'open /x.yml: no such file or directory',
    }),
    // line 0 (the whole file) prints no position
    '/x.yml: error: open /x.yml: no such file or directory [config-unreadable]',
  );
});

test('singular and plural in the totals line', () => {
  assert.equal(
    renderValidateText([REPORTS[1]!]),
    'security db/db: 100/100 (hardened)\n1 job checked: 0 errors, 0 warnings\n',
  );
  assert.equal(renderValidateText([]), '0 jobs checked: 0 errors, 0 warnings\n');
});
