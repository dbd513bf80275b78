// limits.memory parsing (docs/behaviour/config.md §5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INVALID_BYTE_QUANTITY, parseMemoryLimit } from '../../src/config/memory.ts';
import { BpmError } from '../../src/errors.ts';

test('the examples of docs/behaviour/config.md §5', () => {
  const cases: Array<[string, bigint]> = [
    ['256M', 268435456n],
    ['743M', 779091968n],
    ['1.5G', 1610612736n],
    ['100g', 107374182400n],
    ['0M', 0n],
  ];
  for (const [text, want] of cases) assert.equal(parseMemoryLimit(text), want, text);
});

test('every unit, case-insensitive, all powers of 1024', () => {
  const units: Array<[string[], bigint]> = [
    [['B', 'b'], 1n],
    [['K', 'KB', 'KIB', 'k', 'kb', 'KiB'], 1024n],
    [['M', 'MB', 'MIB', 'mb', 'mib', 'MiB'], 1024n ** 2n],
    [['G', 'GB', 'GIB', 'GiB'], 1024n ** 3n],
    [['T', 'TB', 'TIB'], 1024n ** 4n],
    [['P', 'PB', 'PIB'], 1024n ** 5n],
    [['E', 'EB', 'EIB'], 1024n ** 6n],
  ];
  for (const [names, mult] of units)
    for (const u of names) assert.equal(parseMemoryLimit(`2${u}`), 2n * mult, u);
});

test('number forms: fraction, leading dot, plus sign, surrounding spaces; truncation', () => {
  assert.equal(parseMemoryLimit('.5K'), 512n);
  assert.equal(parseMemoryLimit('+2M'), 2097152n);
  assert.equal(parseMemoryLimit('  64M \n'), 67108864n);
  assert.equal(parseMemoryLimit('1.K'), 1024n);
  assert.equal(parseMemoryLimit('1.5B'), 1n);
  assert.equal(parseMemoryLimit('0.001K'), 1n);
  assert.equal(parseMemoryLimit('-0M'), 0n);
});

test('invalid quantities throw upstream text', () => {
  for (const text of [
    '1024',
    '',
    'M',
    '1e3M',
    '1 G',
    '-1M',
    '1Mi B',
    '1MBB',
    '1XB',
    '1.2.3M',
    'abc',
    '1_000M',
    '0x10M',
    '１M',
  ]) {
    assert.throws(
      () => parseMemoryLimit(text),
      (err: unknown) => err instanceof BpmError && err.message === INVALID_BYTE_QUANTITY,
      JSON.stringify(text),
    );
  }
  assert.equal(
    INVALID_BYTE_QUANTITY,
    'byte quantity must be a positive integer with a unit of measurement like M, MB, MiB, G, GiB, or GB',
  );
});
