import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGoJsonIndented, goQuoteJson } from '../../src/go/json.ts';

test('Go string escaping: HTML-safe, U+2028/2029, short escapes, other controls as \\u00XX', () => {
  assert.equal(goQuoteJson('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goQuoteJson('\u2028\u2029'), '"\\u2028\\u2029"');
  assert.equal(goQuoteJson('"\\\n\r\t\b\f'), '"\\"\\\\\\n\\r\\t\\b\\f"');
  assert.equal(goQuoteJson('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
  assert.equal(goQuoteJson("é ☺ 😀 '/"), '"é ☺ 😀 \'/"');
});

test('lone surrogates (invalid UTF-8 in Go) become \\ufffd', () => {
  assert.equal(goQuoteJson('a\ud800b'), '"a\\ufffdb"');
  assert.equal(goQuoteJson('\udc00'), '"\\ufffd"');
  assert.equal(goQuoteJson('x\ud83d'), '"x\\ufffd"');
});

test('indented layout: tabs, colon-space, empty {} and [], trailing newline, bigints exact', () => {
  const v = new Map<string, import('../../src/go/json.ts').GoJsonValue>([
    ['a', 1],
    ['b', [true, false, null]],
    ['c', new Map()],
    ['d', []],
    ['e', new Map([['f', [new Map([['g', 18446744073709551615n]])]]])],
    ['h', -9223372036854775808n],
  ]);
  assert.equal(
    encodeGoJsonIndented(v),
    '{\n\t"a": 1,\n\t"b": [\n\t\ttrue,\n\t\tfalse,\n\t\tnull\n\t],\n\t"c": {},\n\t"d": [],\n\t"e": {\n\t\t"f": [\n' +
      '\t\t\t{\n\t\t\t\t"g": 18446744073709551615\n\t\t\t}\n\t\t]\n\t},\n\t"h": -9223372036854775808\n}\n',
  );
  assert.equal(encodeGoJsonIndented(new Map()), '{}\n');
});

test('keys are escaped like strings', () => {
  assert.equal(encodeGoJsonIndented(new Map([['<k>', 'v']])), '{\n\t"\\u003ck\\u003e": "v"\n}\n');
});
