// Property tests: random schema-shaped bpm.yml documents, then mutated ones, never make the parser
// throw anything but a one-line ConfigError/BpmError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Document, parse } from 'yaml';
import { inspectJobConfig } from '../../src/config/inspect.ts';
import { parseJobConfig } from '../../src/config/parse.ts';
import { BpmError } from '../../src/errors.ts';

const ROOT = '/var/vcap';

const weirdScalar = fc.constantFrom(
  '~',
  'null',
  '',
  'true',
  'yes',
  'Off',
  '"true"',
  '0x1F',
  '017',
  '0o17',
  '0b11',
  '1_000',
  '1.9',
  '1e3',
  '-1',
  '.inf',
  '.nan',
  '"12"',
  '2.50',
  '&a x',
  '*a',
  '*missing',
  '!!str 1',
  '!custom x',
  '<<',
  '[a, b',
  '{a: b}',
  '- item',
  '|',
  '>-',
  '"unterminated',
  "'single'",
  '@reserved',
  '`backtick',
  '%directive',
  '? complex',
  ': value',
  '#comment',
  '\t',
  'a: b: c',
  '1:2',
  '9223372036854775808',
  '18446744073709551616',
  '/var/vcap/data/x/',
  '/etc',
  'INT',
  'KILL',
);

const pathArb = fc.constantFrom(
  '/var/vcap/data/x',
  '/var/vcap/data/web',
  '/var/vcap/store/web/sub',
  '/etc',
  '/var/vcap/',
  'relative',
  '',
  '/var/vcap/data/../x',
);
const stringish = fc.oneof(fc.string({ maxLength: 12 }), weirdScalar, pathArb);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  stringish,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
);
/** Mostly schema-valid values, sometimes anything. */
function mostly<T>(valid: fc.Arbitrary<T>, weight = 40): fc.Arbitrary<unknown> {
  return fc.oneof({ weight, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
}
const boolish = mostly(fc.oneof(fc.boolean(), fc.constantFrom('yes', 'no', 'on', 'Off', null)));
const intish = mostly(fc.oneof(fc.nat({ max: 100000 }), fc.constantFrom(1.5, 1e3, null)));
const goodPath = fc.constantFrom('/var/vcap/data/x', '/var/vcap/store/web/sub', '/var/vcap/jobs/other');

const volumeArb = fc.record(
  {
    path: mostly(fc.oneof({ weight: 5, arbitrary: goodPath }, { weight: 1, arbitrary: pathArb })),
    writable: boolish,
    allow_executions: boolish,
    mount_only: boolish,
    shared: boolish,
    extra: anyValue,
  },
  { requiredKeys: ['path'] },
);

const processArb = fc.record(
  {
    name: mostly(fc.constantFrom('web', 'worker', 'x', '')),
    executable: mostly(fc.constantFrom('/bin/web', 'web')),
    args: mostly(fc.array(stringish, { maxLength: 4 })),
    env: mostly(fc.dictionary(fc.string({ maxLength: 6 }), mostly(stringish), { maxKeys: 3 })),
    workdir: stringish,
    hooks: mostly(fc.oneof(fc.record({ pre_start: stringish }, { requiredKeys: [] }), fc.constant(null))),
    capabilities: mostly(fc.array(mostly(fc.constantFrom('NET_ADMIN', 'SYS_TIME')), { maxLength: 3 })),
    limits: mostly(
      fc.record(
        {
          memory: mostly(fc.constantFrom('1G', '256M', 'lots')),
          open_files: intish,
          processes: intish,
          core_file_size: intish,
        },
        { requiredKeys: [] },
      ),
    ),
    ephemeral_disk: boolish,
    persistent_disk: boolish,
    additional_volumes: mostly(fc.array(mostly(volumeArb, 20), { maxLength: 3 })),
    unsafe: mostly(
      fc.record(
        {
          privileged: boolish,
          host_pid_namespace: boolish,
          unrestricted_volumes: fc.array(volumeArb, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
    ),
    shutdown_signal: mostly(fc.constantFrom('TERM', 'INT', '', 'KILL')),
    unknown_key: anyValue,
  },
  { requiredKeys: ['name', 'executable'] },
);

const docArb = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({ processes: fc.array(mostly(processArb, 30), { minLength: 1, maxLength: 3 }) }),
  },
  { weight: 1, arbitrary: anyValue },
  { weight: 1, arbitrary: fc.array(processArb, { maxLength: 2 }) },
);

const styleArb = fc.record({
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<'any' | 'block' | 'flow'>,
  defaultStringType: fc.constantFrom(
    'PLAIN',
    'QUOTE_DOUBLE',
    'QUOTE_SINGLE',
    'BLOCK_LITERAL',
  ) as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL'>,
  indent: fc.integer({ min: 1, max: 4 }),
});

type Style = typeof styleArb extends fc.Arbitrary<infer S> ? S : never;

function render(doc: unknown, style: Style): string {
  const d = new Document(doc);
  return d.toString({ ...style, lineWidth: 0 });
}

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'indent'; at: number; by: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; text: string };

const insertText = fc.oneof(
  weirdScalar,
  weirdScalar.map((s) => `- ${s}`),
  weirdScalar.map((s) => `key: ${s}`),
  fc.constantFrom(
    'processes:',
    '- name: x',
    '  executable: y',
    '  limits:',
    '    open_files: -1',
    '---',
    '...',
    '- ~',
    '  - [',
    '  env: {A: ~}',
  ),
  fc.string({ maxLength: 10 }),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertText }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: insertText }),
);

function mutate(text: string, m: Mutation): string {
  if (m.kind === 'truncate') return text.slice(0, m.at % (text.length + 1));
  if (m.kind === 'splice') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  const lines = text.split('\n');
  const i = m.at % lines.length;
  const line = lines[i]!;
  if (m.kind === 'delete') lines.splice(i, 1);
  else if (m.kind === 'duplicate') lines.splice(i, 0, line);
  else if (m.kind === 'insert') lines.splice(i, 0, `${' '.repeat(m.at % 5)}${m.text}`);
  else lines[i] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
  return lines.join('\n');
}

/**
 * inspectJobConfig never throws, lists one-line problems with locations, and agrees with
 * parseJobConfig: no problems exactly when it succeeds, else its error is the first problem.
 */
function inspectionAgrees(text: string, parsed: BpmError | undefined): void {
  const file = '/var/vcap/jobs/web/config/bpm.yml';
  const r = inspectJobConfig(text, file, { root: ROOT, job: 'web' });
  const why = `for ${JSON.stringify(text)}: ${JSON.stringify(r.problems)}`;
  for (const p of r.problems) {
    assert.ok(!p.detail.includes('\n') && p.detail !== '', why);
    assert.equal(p.location.file, file, why);
    assert.ok(p.kind === 'unreadable' ? p.location.line === 0 : p.location.line >= 1, why);
  }
  assert.equal(r.indices.length, r.config?.processes.length ?? 0, why);
  assert.ok(
    r.indices.every((x, i) => i === 0 || x > r.indices[i - 1]!),
    why,
  );
  if (parsed === undefined) {
    assert.deepEqual(r.problems, [], why);
    return;
  }
  const first = r.problems[0];
  assert.ok(first !== undefined, `parse failed but no problem ${why}`);
  assert.ok(parsed.message.includes(first.detail), `${parsed.message} ${why}`);
  if (first.kind !== 'unreadable') {
    const { line, column, field } = first.location;
    assert.ok(parsed.message.startsWith(`${file}:${line}:${column}: ${field}: `), `${parsed.message} ${why}`);
  }
}

/** The property: a config, or a one-line BpmError (ConfigError is one). */
function parsesOrFailsCleanly(text: string): void {
  let failure: BpmError | undefined;
  try {
    const cfg = parseJobConfig(text, '/var/vcap/jobs/web/config/bpm.yml', { root: ROOT, job: 'web' });
    assert.ok(Array.isArray(cfg.processes));
    for (const p of cfg.processes) {
      assert.equal(typeof p.name, 'string');
      assert.notEqual(p.name, '');
      assert.notEqual(p.executable, '');
      assert.ok(['', 'TERM', 'INT'].includes(p.shutdownSignal));
      for (const a of p.args) assert.equal(typeof a, 'string');
    }
  } catch (err) {
    if (!(err instanceof BpmError))
      throw new Error(`non-BpmError for ${JSON.stringify(text)}: ${String(err)}`, { cause: err });
    if (err.message.includes('\n') || err.message === '') {
      throw new Error(`bad message ${JSON.stringify(err.message)} for ${JSON.stringify(text)}`);
    }
    failure = err;
  }
  inspectionAgrees(text, failure);
}

test('random schema-shaped documents parse or fail with one line', () => {
  fc.assert(
    fc.property(docArb, styleArb, (doc, style) => parsesOrFailsCleanly(render(doc, style))),
    { numRuns: 1000 },
  );
});

test('mutated documents parse or fail with one line', () => {
  fc.assert(
    fc.property(
      docArb,
      styleArb,
      fc.array(mutationArb, { minLength: 1, maxLength: 5 }),
      (doc, style, mutations) => {
        const text = mutations.reduce(mutate, render(doc, style));
        parsesOrFailsCleanly(text);
      },
    ),
    { numRuns: 1500 },
  );
});

test('arbitrary text parses or fails with one line', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => parsesOrFailsCleanly(text)),
    { numRuns: 500 },
  );
});

test('string fields round-trip: strings written by the yaml library come back as their value', () => {
  const text = fc.string({ maxLength: 16 }).filter((s) => s.trim() !== '');
  // Env names with `=` or NUL are rejected (no `NAME=value` string can carry them).
  const envName = fc
    .string({ minLength: 1, maxLength: 5 })
    .filter((k) => !k.includes('=') && !k.includes('\0'));
  const envArb = fc.dictionary(envName, fc.string({ maxLength: 6 }), {
    maxKeys: 3,
  });
  const argsArb = fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 });
  fc.assert(
    fc.property(text, argsArb, envArb, styleArb, (name, args, env, style) => {
      const yamlText = render({ processes: [{ name, executable: name, args, env }] }, style);
      // The oracle is the yaml library's own reading (its writer is not lossless for every style).
      const expected = parse(yamlText) as { processes: Array<{ name: string; args: string[]; env: object }> };
      const want = expected.processes[0]!;
      fc.pre(typeof want.name === 'string' && want.name !== '');
      const p = parseJobConfig(yamlText, 'f', { root: ROOT, job: 'web' }).processes[0]!;
      assert.equal(p.name, want.name);
      assert.deepEqual(p.args, want.args);
      assert.deepEqual([...p.env], Object.entries(want.env));
    }),
    { numRuns: 500 },
  );
});
