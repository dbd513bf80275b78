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

test('index-like keys keep their insertion order, as a Go struct field order does', () => {
  assert.equal(
    encodeGoJsonIndented(
      new Map<string, number>([
        ['b', 1],
        ['10', 2],
        ['2', 3],
      ]),
    ),
    '{\n\t"b": 1,\n\t"10": 2,\n\t"2": 3\n}\n',
  );
});

test('strings deep in a document are escaped the Go way: HTML-safe, lone surrogates, controls', () => {
  const v = new Map<string, import('../../src/go/json.ts').GoJsonValue>([
    ['args', ['/bin/sh', '-c', 'a && b > c', 'x\ud800', 'tab\there', 'nul\u0000', '\u2028']],
  ]);
  assert.equal(
    encodeGoJsonIndented(v),
    '{\n\t"args": [\n\t\t"/bin/sh",\n\t\t"-c",\n\t\t"a \\u0026\\u0026 b \\u003e c",\n\t\t"x\\ufffd",\n' +
      '\t\t"tab\\there",\n\t\t"nul\\u0000",\n\t\t"\\u2028"\n\t]\n}\n',
  );
});

test('a number that is not an integer is refused, wherever it is', () => {
  assert.throws(() => encodeGoJsonIndented(new Map([['a', [1.5]]])), RangeError);
});
