import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoBool, parseGoInt } from '../../src/go/strconv.ts';

test('parseGoInt accepts what strconv.ParseInt(s, 0, 64) accepts', () => {
  const cases: [string, number][] = [
    ['30', 30],
    ['+7', 7],
    ['-5', -5],
    ['0', 0],
    ['010', 8],
    ['0x1F', 31],
    ['0X1f', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['0x_1f', 31],
    ['0_1', 1],
    ['9223372036854775807', Number(9223372036854775807n)],
    ['-9223372036854775808', Number(-9223372036854775808n)],
  ];
  for (const [input, want] of cases) assert.equal(parseGoInt(input), want, input);
});

test('parseGoInt rejects with strconv texts', () => {
  const syntax = (s: string): string => `strconv.ParseInt: parsing "${s}": invalid syntax`;
  for (const bad of ['', 'abc', '1.5', '-', '+', '0x', '08', '1__0', '_1', '1_', ' 1', '٣']) {
    assert.throws(() => parseGoInt(bad), { message: syntax(bad) }, JSON.stringify(bad));
  }
  assert.throws(() => parseGoInt('9223372036854775808'), {
    message: 'strconv.ParseInt: parsing "9223372036854775808": value out of range',
  });
  assert.throws(() => parseGoInt('99999999999999999999999'), /value out of range/);
});

test('parseGoBool', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false);
  assert.throws(() => parseGoBool('yes'), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
});
