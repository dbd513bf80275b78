import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessConfig } from '../../src/config/types.ts';
import { planReload } from '../../src/supervisor/supervision.ts';

const config = (name: string, env: Record<string, string> = {}) =>
  ({ name, executable: `/bin/${name}`, env: new Map(Object.entries(env)) }) as unknown as ProcessConfig;

test('planReload: new started, gone stopped, changed (env Maps included) restarted, equal unchanged', () => {
  const current = new Map([
    ['j/keep', config('keep', { A: '1' })],
    ['j/change', config('change', { A: '1' })],
    ['j/gone', config('gone')],
  ]);
  const next = new Map([
    ['j/keep', config('keep', { A: '1' })],
    ['j/change', config('change', { A: '2' })],
    ['j/new', config('new')],
  ]);
  assert.deepEqual(planReload(current, next), {
    started: ['j/new'],
    stopped: ['j/gone'],
    restarted: ['j/change'],
    unchanged: ['j/keep'],
  });
  assert.deepEqual(
    planReload(new Map(), next).started,
    ['j/keep', 'j/change', 'j/new'],
    'the first load starts all',
  );
});
