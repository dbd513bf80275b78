import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolvePlain, yaml11Bool } from '../../src/config/scalar-resolve.ts';

test('integers resolve like yaml.v3 (ParseInt base 0 after removing _)', () => {
  const cases: Array<[string, bigint]> = [
    ['0', 0n],
    ['12', 12n],
    ['+12', 12n],
    ['-12', -12n],
    ['017', 15n],
    ['0o17', 15n],
    ['0O17', 15n],
    ['0x1F', 31n],
    ['0X1f', 31n],
    ['-0x10', -16n],
    ['0b11', 3n],
    ['1_000', 1000n],
    ['0x_1_F', 31n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['18446744073709551615', 18446744073709551615n],
  ];
  for (const [text, want] of cases) assert.deepEqual(resolvePlain(text), { kind: 'int', value: want }, text);
});

test('floats, including the octal-looking 08 that ParseInt refuses', () => {
  const cases: Array<[string, number]> = [
    ['1.9', 1.9],
    ['1e3', 1000],
    ['-2.5', -2.5],
    ['.5', 0.5],
    ['08', 8],
    ['1.', 1],
    ['18446744073709551616', 2 ** 64],
  ];
  for (const [text, want] of cases)
    assert.deepEqual(resolvePlain(text), { kind: 'float', value: want }, text);
  assert.equal(resolvePlain('.inf').kind, 'float');
  assert.equal(resolvePlain('-.Inf').kind, 'float');
  assert.ok(Number.isNaN((resolvePlain('.nan') as { value: number }).value));
});

test('null and bool words of the core schema', () => {
  for (const t of ['', '~', 'null', 'Null', 'NULL']) assert.deepEqual(resolvePlain(t), { kind: 'null' }, t);
  for (const t of ['true', 'True', 'TRUE']) assert.deepEqual(resolvePlain(t), { kind: 'bool', value: true });
  for (const t of ['false', 'False', 'FALSE'])
    assert.deepEqual(resolvePlain(t), { kind: 'bool', value: false });
});

test('everything else is a string', () => {
  for (const t of [
    'yes',
    'tRue',
    '0x',
    '0b',
    '0b2',
    '09.x',
    '1e400',
    '-',
    '+',
    '1 000',
    'nil',
    '2001-12-14',
    '1:20',
  ]) {
    assert.deepEqual(resolvePlain(t), { kind: 'string', value: t }, t);
  }
});

test('YAML 1.1 boolean words', () => {
  for (const t of ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']) assert.equal(yaml11Bool(t), true, t);
  for (const t of ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']) assert.equal(yaml11Bool(t), false, t);
  for (const t of ['true', 'yES', '1', '']) assert.equal(yaml11Bool(t), undefined, t);
});
