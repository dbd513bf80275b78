// inspectJobConfig: every problem of a file at once, each with its location, and the processes
// that can still be analysed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConfigInspection, inspectJobConfig } from '../../src/config/inspect.ts';
import { FILE, JOB, parseError, ROOT } from './helpers.ts';

function inspect(text: string): ConfigInspection {
  return inspectJobConfig(text, FILE, { root: ROOT, job: JOB });
}

/** Each problem as `kind line:column field: detail`. */
function problems(text: string): string[] {
  return inspect(text).problems.map(
    (p) => `${p.kind} ${p.location.line}:${p.location.column} ${p.location.field}: ${p.detail}`,
  );
}

test('a valid file has no problems and the whole config', () => {
  const r = inspect('processes:\n- name: a\n  executable: /bin/a\n- name: b\n  executable: /bin/b\n');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.config?.processes.map((p) => p.name),
    ['a', 'b'],
  );
  assert.deepEqual(r.indices, [0, 1]);
});

test('every rule violation of every process, not only the first', () => {
  const text = [
    'processes:',
    '- name: a',
    '  executable: /bin/a',
    '  additional_volumes:',
    '  - path: /var/vcap/data/x/',
    '  - path: /etc',
    '  - path: /var/vcap/data/web',
    '  shutdown_signal: KILL',
    '- executable: /bin/b',
    '- name: c',
    '',
  ].join('\n');
  assert.deepEqual(problems(text), [
    'rule 5:11 processes[0].additional_volumes[0].path: volume path must be canonical, expected /var/vcap/data/x but got /var/vcap/data/x/',
    'rule 6:11 processes[0].additional_volumes[1].path: invalid volume path: /etc must be within /var/vcap',
    'rule 7:11 processes[0].additional_volumes[2].path: invalid volume path: /var/vcap/data/web cannot conflict with default job data or store directories',
    "rule 8:20 processes[0].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'KILL'",
    'rule 9:3 processes[1].name: invalid config: name',
    'rule 10:3 processes[2].executable: invalid config: executable',
  ]);
  const r = inspect(text);
  assert.deepEqual(
    r.problems.map((p) => p.rule),
    [
      'volume-not-canonical',
      'volume-outside-root',
      'volume-default-directory',
      'shutdown-signal',
      'name-empty',
      'executable-empty',
    ],
  );
  // Rule violations do not remove a process from the best-effort config.
  assert.deepEqual(r.indices, [0, 1, 2]);
  // parseJobConfig reports the first of them.
  assert.equal(parseError(text), `${FILE}:5:11: ${problems(text)[0]!.slice('rule 5:11 '.length)}`);
});

test('every type error, each with its location; the processes with none stay in the config', () => {
  const text = [
    'processes:',
    '- name: a',
    '  executable: /bin/a',
    '  ephemeral_disk: maybe',
    '  limits:',
    '    open_files: -1',
    '- name: b',
    '  executable: /bin/b',
    '  capabilities: [CHOWN]',
    '- name: [c]',
    '  executable: /bin/c',
    '  shutdown_signal: HUP',
    '',
  ].join('\n');
  assert.deepEqual(problems(text), [
    'type 4:19 processes[0].ephemeral_disk: must be a boolean, got "maybe"',
    'type 6:17 processes[0].limits.open_files: must be a non-negative integer, got -1',
    'type 10:9 processes[2].name: must be a string, got a sequence',
    // The empty name that the type error left is not reported again; the other rule is.
    "rule 12:20 processes[2].shutdown_signal: shutdown signal should either be 'TERM' or 'INT' (or left unspecified), but got 'HUP'",
  ]);
  const r = inspect(text);
  assert.deepEqual(
    r.config?.processes.map((p) => p.name),
    ['b'],
  );
  assert.deepEqual(r.indices, [1]);
  assert.equal(r.config?.locate('processes[1].capabilities[0]')?.line, 9);
  assert.equal(
    parseError(text),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got "maybe" (and 2 more)`,
  );
});

test('entries that are not mappings, duplicate keys and null entries are each reported', () => {
  const text = [
    'processes:',
    '- just a string',
    '- name: b',
    '  name: b2',
    '  executable: /bin/b',
    '- ~',
    '- name: d',
    '  executable: /bin/d',
    '',
  ].join('\n');
  assert.deepEqual(problems(text), [
    'type 2:3 processes[0]: must be a mapping, got "just a string"',
    'type 4:3 processes[1].name: duplicate key "name" (first defined at line 3)',
    'rule 6:3 processes[2]: process entry is null; expected a mapping with name and executable',
  ]);
  const r = inspect(text);
  assert.deepEqual(r.indices, [3]);
  assert.equal(r.config?.processes[0]?.name, 'd');
});

test('a volume after one that is not a mapping keeps its own location', () => {
  const text =
    'processes:\n- name: a\n  executable: /bin/a\n  additional_volumes:\n  - [x]\n  - path: /etc\n';
  assert.deepEqual(problems(text), [
    'type 5:5 processes[0].additional_volumes[0]: must be a mapping, got a sequence',
    'rule 6:11 processes[0].additional_volumes[0].path: invalid volume path: /etc must be within /var/vcap',
  ]);
});

test('every YAML syntax error the parser reports, and no config', () => {
  const r = inspect('processes:\n\t- name: a\n- name: {\n');
  assert.equal(r.config, undefined);
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.location.line, p.location.column, p.location.field]),
    [
      ['syntax', 2, 1, 'yaml'],
      // the unclosed `{` is reported where it opened (issue #13), not at the end of the file
      ['syntax', 3, 9, 'yaml'],
    ],
  );
  assert.match(r.problems[0]!.detail, /[Tt]ab/);
  assert.match(parseError('processes:\n\t- name: a\n- name: {\n'), new RegExp(`^${FILE}:2:1: yaml: `));
});

test('a top-level scalar is a type problem and gives no config', () => {
  const r = inspect('foo\n');
  assert.equal(r.config, undefined);
  assert.deepEqual(problems('foo\n'), [
    'type 1:1 (document): must be a mapping with a processes: list, got "foo"',
  ]);
});

test('an empty file has no problems and no processes', () => {
  const r = inspect('');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.config?.processes, []);
});
