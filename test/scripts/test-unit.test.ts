// scripts/test-unit.mjs: the unit-test selection and its shards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without type declarations
import { shard } from '../../scripts/test-unit.mjs';

const split = shard as (files: string[], n: number, msOf: (f: string) => number) => string[][];

test('shards are balanced longest first, each file in exactly one, sorted within', () => {
  const ms: Record<string, number> = { a: 8000, b: 3000, c: 2500, d: 2000, e: 100, f: 50 };
  const shards = split(Object.keys(ms), 2, (f) => ms[f]!);
  assert.deepEqual(shards, [['a'], ['b', 'c', 'd', 'e', 'f']]);
  assert.deepEqual(
    split(['x', 'y'], 4, () => 1),
    [['x'], ['y']],
  );
  assert.deepEqual(
    split(['x', 'y', 'z'], 1, () => 1),
    [['x', 'y', 'z']],
  );
});

test('--list: no integration, reliability or example test, and none that needs the built bpm', () => {
  const script = new URL('../../scripts/test-unit.mjs', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [script, '--list'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.trim().split('\n');
  assert.ok(files.includes('test/lifecycle/start.test.ts'));
  assert.ok(files.includes('test/scripts/test-unit.test.ts'));
  for (const f of files) assert.doesNotMatch(f, /^test\/(integration|reliability|examples)\//);
});
