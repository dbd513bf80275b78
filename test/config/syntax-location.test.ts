import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectJobConfig } from '../../src/config/inspect.ts';
import { unclosedFlowOpener } from '../../src/config/syntax-location.ts';

function syntax(text: string): string[] {
  return inspectJobConfig(text, '/f.yml', { root: '/R', job: 'j' }).problems.map(
    (p) => `${p.location.line}:${p.location.column}: ${p.location.field}: ${p.detail}`,
  );
}

test('an over-indented key is reported on its own line, by name (not at the value above it)', () => {
  const text = 'processes:\n- name: a\n  executable: /bin/sh\n    args:\n    - x\n';
  assert.deepEqual(syntax(text), [
    '4:5: yaml: "args:" is indented more than the keys above it, so it is read as part of the value on line 3; align it with them',
  ]);
});

test('an unclosed [ or { is reported where it opened, not at the next line or the end', () => {
  assert.deepEqual(
    syntax('processes:\n- name: a\n  executable: /bin/sh\n  args: [a, b\n  env:\n    X: y\n'),
    [
      '4:9: yaml: this "[" is never closed: the flow sequence must end with "]" on this line or on lines indented more than its key',
    ],
  );
  assert.deepEqual(syntax('processes:\n- name: a\n  env: {X: y\n'), [
    '3:8: yaml: this "{" is never closed: the flow mapping must end with "}" on this line or on lines indented more than its key',
  ]);
});

test('a key with a control character stays on one line (Go-quoted)', () => {
  const [first] = syntax('processes:\n- name: a\n  executable: /bin/sh\n    a\rb:\n    - x\n');
  assert.ok(first !== undefined && !/[\r\n]/.test(first), first);
  assert.match(first, /"a\\rb:" is indented more/);
});

test('brackets in quoted text, plain scalars and comments are not openers', () => {
  const text = 'a: "x [ y"\nb: /bin/a[x\n# c: [\nd: [\'[\', "]", [e]\n';
  assert.equal(unclosedFlowOpener(text, text.length), text.indexOf('d: [') + 3);
  assert.equal(unclosedFlowOpener('a: [b, {c: d}]\n', 15), undefined);
});

test('a mis-indented line points at its first character; tabs keep the parser position', () => {
  const over = syntax('processes:\n- name: a\n  args:\n      - x\n    env: {}\n');
  assert.match(over[0] ?? '', /^5:5: yaml: /);
  assert.match(syntax('processes:\n\t- name: a\n')[0] ?? '', /^2:1: yaml: .*[Tt]ab/);
});
