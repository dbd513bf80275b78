// Document-level YAML behaviour: duplicates, aliases, merges, top-level shapes, syntax errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILE, parse, parseError } from './helpers.ts';

test('an empty file, a comment-only file and processes: ~ give zero processes', () => {
  for (const text of [
    '',
    '\n',
    '# nothing\n',
    'processes: ~\n',
    'processes:\n',
    'processes: []\n',
    '---\n',
    '{}',
  ]) {
    assert.deepEqual(parse(text).processes, [], JSON.stringify(text));
  }
});

test('a top-level sequence gives zero processes (HEAD quirk)', () => {
  assert.deepEqual(parse('- name: a\n  executable: b\n').processes, []);
  assert.deepEqual(parse('[]').processes, []);
});

test('a top-level scalar is an error', () => {
  assert.equal(
    parseError('foo\n'),
    `${FILE}:1:1: (document): must be a mapping with a processes: list, got "foo"`,
  );
  assert.equal(parseError('42'), `${FILE}:1:1: (document): must be a mapping with a processes: list, got 42`);
});

test('processes: must be a list of mappings', () => {
  assert.equal(parseError('processes: server\n'), `${FILE}:1:12: processes: must be a list, got "server"`);
  assert.equal(
    parseError('processes: {name: a}\n'),
    `${FILE}:1:12: processes: must be a list, got a mapping`,
  );
  assert.equal(
    parseError('processes:\n- just-a-name\n'),
    `${FILE}:2:3: processes[0]: must be a mapping, got "just-a-name"`,
  );
});

test('a null entry in processes: is an error naming its line (docs/behaviour/policy.md fix #2)', () => {
  const msg = 'process entry is null; expected a mapping with name and executable';
  assert.equal(parseError('processes:\n- ~\n'), `${FILE}:2:3: processes[0]: ${msg}`);
  assert.equal(
    parseError('processes:\n- name: a\n  executable: b\n-\n- name: c\n  executable: d\n'),
    `${FILE}:4:2: processes[1]: ${msg}`,
  );
  assert.equal(parseError('processes: [null]\n'), `${FILE}:1:13: processes[0]: ${msg}`);
});

test('validation runs in process order: an earlier invalid process wins over a later null one', () => {
  assert.equal(
    parseError('processes:\n- name: a\n- ~\n'),
    `${FILE}:2:3: processes[0].executable: invalid config: executable`,
  );
});

test('duplicate keys are rejected at every level', () => {
  assert.equal(
    parseError('processes:\n- name: a\n  executable: b\n  name: c\n'),
    `${FILE}:4:3: processes[0].name: duplicate key "name" (first defined at line 2)`,
  );
  assert.equal(
    parseError('processes: []\nprocesses: []\n'),
    `${FILE}:2:1: processes: duplicate key "processes" (first defined at line 1)`,
  );
  assert.match(
    parseError('processes:\n- name: a\n  executable: b\n  env: {A: 1, A: 2}\n'),
    /^.*:4:15: processes\[0\]\.env\.A: duplicate key "A" \(first defined at line 4\)$/,
  );
  assert.match(
    parseError('processes:\n- name: a\n  executable: b\n  limits: {memory: 1G, "memory": 2G}\n'),
    /processes\[0\]\.limits\.memory: duplicate key "memory"/,
  );
  assert.match(
    parseError('x: 1\nx: 2\nprocesses: []\n'),
    /:2:1: x: duplicate key "x" \(first defined at line 1\)$/,
  );
});

test('anchors and aliases are followed', () => {
  const cfg = parse(`common_env: &env {A: "1", B: "2"}
vol: &vol {path: /var/vcap/data/shared, writable: true}
name: &n server
processes:
- name: *n
  executable: &exe /bin/serve
  env: *env
  args: [*exe, *n]
  additional_volumes: [*vol]
- name: worker
  executable: *exe
  env: *env
`);
  const [a, b] = cfg.processes;
  assert.equal(a!.name, 'server');
  assert.deepEqual(a!.args, ['/bin/serve', 'server']);
  assert.deepEqual(
    [...a!.env],
    [
      ['A', '1'],
      ['B', '2'],
    ],
  );
  assert.equal(a!.additionalVolumes[0]!.writable, true);
  assert.equal(b!.executable, '/bin/serve');
  assert.deepEqual(
    [...b!.env],
    [
      ['A', '1'],
      ['B', '2'],
    ],
  );
  assert.deepEqual(
    cfg.unknownKeys.map((k) => k.field),
    ['common_env', 'vol', 'name'],
  );
});

test('merge keys: explicit keys win, the first merged map wins over later ones', () => {
  const cfg = parse(`base: &base {executable: /bin/base, workdir: /base, shutdown_signal: INT}
other: &other {workdir: /other, args: [x]}
processes:
- <<: *base
  name: a
  workdir: /mine
- <<: [*other, *base]
  name: b
`);
  const [a, b] = cfg.processes;
  assert.equal(a!.executable, '/bin/base');
  assert.equal(a!.workdir, '/mine');
  assert.equal(a!.shutdownSignal, 'INT');
  assert.equal(b!.workdir, '/other');
  assert.deepEqual(b!.args, ['x']);
  assert.equal(b!.executable, '/bin/base');
});

test('a merge of a non-mapping is an error', () => {
  assert.match(
    parseError('processes:\n- <<: 5\n  name: a\n'),
    /:2:7: processes\[0\]: map merge requires a mapping or a sequence of mappings$/,
  );
});

test('a complex (non-scalar) key in a schema mapping is an error', () => {
  assert.match(
    parseError('processes:\n- ? [a]\n  : b\n  name: a\n'),
    /processes\[0\]: mapping keys must be strings, got a sequence$/,
  );
});

test('only the first document of a stream counts', () => {
  const cfg = parse('processes:\n- name: a\n  executable: b\n---\nprocesses: nonsense\n');
  assert.equal(cfg.processes.length, 1);
});

test('YAML syntax errors are one line with file:line:column', () => {
  const msg = parseError('processes:\n- name: [a\n  executable: b\n');
  assert.match(msg, /^\/var\/vcap\/jobs\/web\/config\/bpm\.yml:\d+:\d+: yaml: \S.*$/);
  assert.match(parseError('processes: "unterminated\n'), /^.*bpm\.yml:\d+:\d+: yaml: /);
  assert.match(parseError('a: b: c\n'), /^.*bpm\.yml:1:\d+: yaml: /);
  assert.match(parseError('\tprocesses: []\n'), /^.*bpm\.yml:1:1: yaml: /);
  assert.equal(parseError('processes: *nowhere\n'), `${FILE}:1:12: processes: unknown anchor "nowhere"`);
});

test('flow style documents work', () => {
  const cfg = parse('{processes: [{name: a, executable: b, args: [x, y], limits: {open_files: 10}}]}');
  assert.deepEqual(cfg.processes[0]!.args, ['x', 'y']);
  assert.equal(cfg.processes[0]!.limits?.openFiles, 10n);
});

test('a flow mapping entry without a value is null', () => {
  const cfg = parse('processes: [{name: a, executable: b, workdir, env: {K}}]');
  assert.equal(cfg.processes[0]!.workdir, '');
  assert.deepEqual([...cfg.processes[0]!.env], [['K', '']]);
});

test('absurd nesting is a one-line error, not a crash', () => {
  assert.match(parseError(`processes: ${'['.repeat(5000)}`), /^.*bpm\.yml:1:\d+: yaml: /);
  assert.match(parseError(`x: ${'{a: '.repeat(3000)}`), /^.*bpm\.yml:\d+:\d+: /);
});

test('YAML 1.1 collection tags are ignored (!!omap on processes)', () => {
  const cfg = parse('processes: !!omap\n- name: a\n  executable: b\n');
  assert.equal(cfg.processes[0]!.name, 'a');
});
