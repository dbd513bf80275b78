// Fuzzing the parse/validate path: generated bpm.yml documents (schema-shaped, with hostile values)
// and mutations of realistic ones (byte edits, YAML-significant insertions, line shuffles,
// truncation). Whatever the input, parseJobConfig returns or throws a BpmError whose message is
// one line naming the file and, for a ConfigError, `file:line:column: field:`; inspectJobConfig
// (bpm validate) never throws and agrees with parseJobConfig's first problem.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { inspectJobConfig } from '../../src/config/inspect.ts';
import { parseJobConfig } from '../../src/config/parse.ts';
import { BpmError, ConfigError } from '../../src/errors.ts';
import { scaled, seed } from './support.ts';

const FILE = '/var/vcap/jobs/web/config/bpm.yml';
const OPTS = { root: '/var/vcap', job: 'web' };

/** Problems with how parseJobConfig treated `text`; empty when it behaved. */
function check(text: string): string[] {
  let thrown: unknown;
  try {
    parseJobConfig(text, FILE, OPTS);
  } catch (err) {
    thrown = err;
  }
  const out: string[] = [];
  if (thrown !== undefined) {
    if (!(thrown instanceof BpmError)) return [`escaped: ${String(thrown)}`];
    const msg = thrown.message;
    if (msg.includes('\n') || msg.includes('\r'))
      out.push(`message has several lines: ${JSON.stringify(msg)}`);
    if (!msg.startsWith(`${FILE}:`)) out.push(`message does not name the file: ${JSON.stringify(msg)}`);
    if (thrown instanceof ConfigError) {
      if (thrown.location === undefined) out.push(`no location: ${JSON.stringify(msg)}`);
      else if (!/^\S+:\d+:\d+: \S/.test(msg)) out.push(`location not in the message: ${JSON.stringify(msg)}`);
    }
  }
  let inspection: ReturnType<typeof inspectJobConfig>;
  try {
    inspection = inspectJobConfig(text, FILE, OPTS);
  } catch (err) {
    return [...out, `inspectJobConfig threw: ${String(err)}`];
  }
  const first = inspection.problems[0];
  if ((first === undefined) !== (thrown === undefined)) {
    out.push(
      `parse ${thrown === undefined ? 'accepted' : 'rejected'} but validate found ${inspection.problems.length} problems`,
    );
  }
  return out;
}

const SEEDS = [
  `---
processes:
  - name: web
    executable: /var/vcap/packages/web/bin/web
    args: [--port, "8080", --config, /var/vcap/jobs/web/config/web.yml]
    env:
      GOMAXPROCS: "2"
      LANG: C.UTF-8
    workdir: /var/vcap/data/web
    shutdown_signal: INT
    limits:
      memory: 1G
      open_files: 4096
      processes: 100
    ephemeral_disk: true
    persistent_disk: true
    additional_volumes:
      - path: /var/vcap/data/web/cache
        writable: true
      - path: /var/vcap/store/shared
        shared: true
        mount_only: true
    unrestricted_volumes:
      - path: /dev/log
    hooks:
      pre_start: /var/vcap/jobs/web/bin/pre-start
    capabilities: [NET_BIND_SERVICE]
  - name: worker
    executable: /var/vcap/packages/web/bin/worker
    unsafe:
      privileged: false
      unrestricted_volumes:
        - path: /var/vcap/data/other
          allow_executions: true
`,
  `processes:
- name: a
  executable: /bin/true
- &p
  name: b
  executable: /bin/sleep
  args: ["1"]
- <<: *p
  name: c
`,
  `processes: [{name: x, executable: /x, env: {A: "1", B: '2'}, limits: {memory: 512M}}]\n`,
];

const significant = [
  '\n',
  ' ',
  '  ',
  '\t',
  ':',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '&a',
  '*a',
  '<<',
  '!!str',
  '!!int',
  '!x',
  '#',
  '|',
  '>',
  '?',
  '%',
  '@',
  '`',
  '~',
  'null',
  '\0',
  '\u00e9',
  '\ufeff',
  '---',
  '...',
  '\r\n',
];

/** One random edit of `text`. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), what: fc.constantFrom(...significant) }),
  fc.record({
    kind: fc.constant('insertRandom' as const),
    at: fc.nat(),
    what: fc.string({ unit: 'binary', maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  const pos = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  const lines = text.split('\n');
  const line = (n: number): number => n % Math.max(1, lines.length);
  switch (m.kind) {
    case 'insert':
    case 'insertRandom':
      return text.slice(0, pos(m.at)) + m.what + text.slice(pos(m.at));
    case 'delete':
      return text.slice(0, pos(m.at)) + text.slice(pos(m.at) + m.len);
    case 'truncate':
      return text.slice(0, pos(m.at));
    case 'dupLine': {
      const i = line(m.at);
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
    case 'swapLines': {
      const a = line(m.a);
      const b = line(m.b);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = line(m.at);
      const l = lines[i] ?? '';
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + l : l.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
  }
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    '.',
    '..',
    '../x',
    'a/b',
    '/var/vcap/data/web/../../etc',
    '/var/vcap/data/web/',
    '/etc',
    'A=B',
    '1G',
    '-1',
    '18446744073709551616',
    'INT',
    'KILL',
    '\0',
    'x'.repeat(300),
  ),
);
const scalar = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(hostileString, tie('v'), { maxKeys: 3 }),
  ),
})).v;
const volume = fc.record(
  {
    path: fc.oneof(hostileString, value),
    writable: value,
    shared: value,
    mount_only: value,
    allow_executions: value,
  },
  { requiredKeys: [] },
);
const processArb = fc.record(
  {
    name: fc.oneof(hostileString, value),
    executable: fc.oneof(hostileString, value),
    args: fc.oneof(fc.array(hostileString, { maxLength: 4 }), value),
    env: fc.oneof(fc.dictionary(hostileString, hostileString, { maxKeys: 4 }), value),
    workdir: value,
    shutdown_signal: fc.oneof(fc.constantFrom('TERM', 'INT', 'QUIT', ''), value),
    limits: fc.oneof(
      fc.record(
        {
          memory: fc.oneof(fc.constantFrom('1G', '512M', '0', '-1', '1.5G', 'lots'), value),
          open_files: value,
          processes: value,
        },
        { requiredKeys: [] },
      ),
      value,
    ),
    ephemeral_disk: value,
    persistent_disk: value,
    additional_volumes: fc.oneof(fc.array(volume, { maxLength: 3 }), value),
    unrestricted_volumes: fc.oneof(fc.array(volume, { maxLength: 2 }), value),
    hooks: fc.oneof(fc.record({ pre_start: value }, { requiredKeys: [] }), value),
    capabilities: fc.oneof(fc.array(hostileString, { maxLength: 3 }), value),
    unsafe: value,
  },
  { requiredKeys: [] },
);
const documentArb = fc.oneof(
  fc.record({ processes: fc.oneof(fc.array(fc.oneof(processArb, value), { maxLength: 4 }), value) }),
  value,
);

function render(doc: unknown, flow: boolean): string {
  try {
    return stringify(doc, { collectionStyle: flow ? 'flow' : 'block', lineWidth: 0 });
  } catch {
    return String(doc);
  }
}

test('generated bpm.yml documents: parse and validate never throw anything but one located line', (t) => {
  const s = seed();
  const runs = scaled(2500, 10_000);
  t.diagnostic(`seed ${s}, ${runs} documents`);
  fc.assert(
    fc.property(documentArb, fc.boolean(), (doc, flow) => {
      assert.deepEqual(check(render(doc, flow)), []);
    }),
    { numRuns: runs, seed: s },
  );
});

test('mutated realistic bpm.yml documents: parse and validate never throw anything but one located line', (t) => {
  const s = seed();
  const runs = scaled(2500, 10_000);
  t.diagnostic(`seed ${s}, ${runs} documents`);
  fc.assert(
    fc.property(
      fc.constantFrom(...SEEDS),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      (base, edits) => {
        const text = edits.reduce(apply, base);
        assert.deepEqual(check(text), []);
      },
    ),
    { numRuns: runs, seed: s },
  );
});
