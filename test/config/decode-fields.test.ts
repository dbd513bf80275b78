// Leaf decoding rules (docs/behaviour/config.md §2): booleans, integers, literal strings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILE, proc, procError } from './helpers.ts';

test('booleans: core words and YAML 1.1 words', () => {
  const truthy = ['true', 'True', 'TRUE', 'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'];
  const falsy = ['false', 'False', 'FALSE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'];
  for (const w of truthy) assert.equal(proc(`  ephemeral_disk: ${w}\n`).ephemeralDisk, true, w);
  for (const w of falsy)
    assert.equal(proc(`  ephemeral_disk: ${w}\n  persistent_disk: true\n`).ephemeralDisk, false, w);
  assert.equal(proc('  ephemeral_disk: ~\n').ephemeralDisk, false);
});

test('booleans: quoted "true", integers and other words are errors', () => {
  assert.equal(
    procError('  ephemeral_disk: "true"\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got "true"`,
  );
  assert.equal(
    procError('  ephemeral_disk: 1\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got 1`,
  );
  assert.equal(
    procError('  ephemeral_disk: maybe\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got "maybe"`,
  );
  assert.equal(
    procError('  ephemeral_disk: tRUE\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got "tRUE"`,
  );
  assert.equal(
    procError('  ephemeral_disk: [true]\n'),
    `${FILE}:4:19: processes[0].ephemeral_disk: must be a boolean, got a sequence`,
  );
  assert.match(
    procError('  unsafe: {privileged: 0}\n'),
    /processes\[0\]\.unsafe\.privileged: must be a boolean, got 0$/,
  );
  assert.match(
    procError('  additional_volumes: [{path: /var/vcap/data/x, writable: si}]\n'),
    /processes\[0\]\.additional_volumes\[0\]\.writable: must be a boolean, got "si"$/,
  );
});

test('integers: every accepted notation', () => {
  const cases: Array<[string, bigint]> = [
    ['4096', 4096n],
    ['017', 15n],
    ['0o17', 15n],
    ['0x1F', 31n],
    ['0b11', 3n],
    ['1_000', 1000n],
    ['1.9', 1n],
    ['1e3', 1000n],
    ['+7', 7n],
    ['08', 8n],
    ['0.5', 0n],
  ];
  for (const [text, want] of cases) {
    assert.equal(proc(`  limits: {open_files: ${text}}\n`).limits?.openFiles, want, text);
    assert.equal(proc(`  limits: {processes: ${text}}\n`).limits?.processes, want, text);
    assert.equal(proc(`  limits: {core_file_size: ${text}}\n`).limits?.coreFileSize, want, text);
  }
});

test('integers: the signed processes limit accepts negatives (truncated toward zero)', () => {
  assert.equal(proc('  limits: {processes: -1}\n').limits?.processes, -1n);
  assert.equal(proc('  limits: {processes: -1.9}\n').limits?.processes, -1n);
  assert.equal(proc('  limits: {processes: -0x10}\n').limits?.processes, -16n);
});

test('integers: unsigned limits reject negatives', () => {
  assert.equal(
    procError('  limits:\n    open_files: -1\n'),
    `${FILE}:5:17: processes[0].limits.open_files: must be a non-negative integer, got -1`,
  );
  assert.match(
    procError('  limits: {core_file_size: -2.5}\n'),
    /processes\[0\]\.limits\.core_file_size: must be a non-negative integer, got -2\.5$/,
  );
});

test('integers: quoted numbers are strings and rejected', () => {
  assert.equal(
    procError('  limits: {processes: "12"}\n'),
    `${FILE}:4:23: processes[0].limits.processes: must be an integer, got "12" (quoted, so it is a string: remove the quotes)`,
  );
  assert.match(
    procError("  limits: {open_files: '12'}\n"),
    /must be a non-negative integer, got "12" \(quoted/,
  );
});

test('integers: words, booleans, out of range and infinities are rejected', () => {
  assert.match(
    procError('  limits: {processes: many}\n'),
    /processes\[0\]\.limits\.processes: must be an integer, got "many"$/,
  );
  assert.match(procError('  limits: {processes: true}\n'), /must be an integer, got true$/);
  assert.match(
    procError('  limits: {processes: 9223372036854775808}\n'),
    /must be an integer between -9223372036854775808 and 9223372036854775807, got 9223372036854775808$/,
  );
  assert.match(
    procError('  limits: {open_files: 18446744073709551616}\n'),
    /must be a non-negative integer between 0 and 18446744073709551615, got 18446744073709551616$/,
  );
  assert.match(procError('  limits: {open_files: .inf}\n'), /must be a non-negative integer, got \.inf$/);
  assert.match(procError('  limits: {processes: .nan}\n'), /must be an integer, got \.nan$/);
  assert.match(
    procError('  limits: {open_files: {a: 1}}\n'),
    /must be a non-negative integer, got a mapping$/,
  );
});

test('strings take the literal source text of any scalar', () => {
  const p = proc('  args: [2.50, true, ~, 0x10, 1e3, 017, -0, .inf, "quoted ~", \'single\', yes]\n');
  assert.deepEqual(p.args, ['2.50', 'true', '0x10', '1e3', '017', '-0', '.inf', 'quoted ~', 'single', 'yes']);
  assert.equal(proc('  workdir: 123\n').workdir, '123');
  assert.equal(proc('  limits: {memory: 1024}\n').limits?.memory, '1024');
  const cfg = proc('  shutdown_signal: !!str TERM\n');
  assert.equal(cfg.shutdownSignal, 'TERM');
});

test('strings: name and executable from non-string scalars', () => {
  const cfg = proc('  hooks: {pre_start: 0777}\n  capabilities: [1.0]\n');
  assert.deepEqual(cfg.hooks, { preStart: '0777' });
  assert.deepEqual(cfg.capabilities, ['1.0']);
});

test('strings: quoting, escapes, block and folded scalars', () => {
  const p = proc(
    "  args:\n  - \"a\\tb\"\n  - 'it''s'\n  - |\n    line1\n    line2\n  - >-\n    folded\n    text\n  - plain\n    multi\n",
  );
  assert.deepEqual(p.args, ['a\tb', "it's", 'line1\nline2\n', 'folded text', 'plain multi']);
});

test('booleans: a quoted YAML 1.1 word is accepted, as yaml.v3 does for a bool target', () => {
  // yaml.v3 resolves quoted scalars to strings and then accepts the 1.1 words for bool fields.
  assert.equal(proc('  ephemeral_disk: "yes"\n').ephemeralDisk, true);
  assert.equal(proc("  ephemeral_disk: 'off'\n  persistent_disk: true\n").ephemeralDisk, false);
});

test('explicit tags: !!str makes a string, core tags resolve the text, unknown tags give strings', () => {
  assert.match(
    procError('  limits: {open_files: !!str 12}\n'),
    /open_files: must be a non-negative integer, got "12"$/,
  );
  assert.equal(proc('  limits: {processes: !!int "12"}\n').limits?.processes, 12n);
  assert.equal(proc('  ephemeral_disk: !!bool "true"\n').ephemeralDisk, true);
  assert.deepEqual(
    proc('  args: [!!str 1, !!float "1.5", ! "x", !custom y, !!timestamp 2001-01-01]\n').args,
    ['1', '1.5', 'x', 'y', '2001-01-01'],
  );
});
