import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependents, resolveDependencies, stopDependentsFirst } from '../../src/supervisor/dependencies.ts';

const node = (job: string, process: string, ...dependsOn: string[]) => ({ job, process, dependsOn });

test('PROC names the same job, JOB/PROC another; duplicates count once', () => {
  const g = resolveDependencies([
    node('web', 'web', 'worker', 'db/db', 'worker'),
    node('web', 'worker', 'db/db'),
    node('db', 'db'),
  ]);
  assert.deepEqual(
    [...g.dependencies],
    [
      ['web/web', ['web/worker', 'db/db']],
      ['web/worker', ['db/db']],
      ['db/db', []],
    ],
  );
  assert.equal(g.excluded.size, 0);
  assert.deepEqual(
    [...dependents(g.dependencies)],
    [
      ['web/web', []],
      ['web/worker', ['web/web']],
      ['db/db', ['web/web', 'web/worker']],
    ],
  );
});

test('a dependency on a process not supervised leaves the process out, and what depends on it', () => {
  const g = resolveDependencies([node('a', 'a', 'nope'), node('b', 'b', 'a/a'), node('c', 'c')]);
  assert.deepEqual([...g.dependencies.keys()], ['c/c']);
  assert.equal(g.excluded.get('a/a'), 'depends_on a/nope, which is not supervised (no such process)');
  assert.equal(
    g.excluded.get('b/b'),
    'depends_on a/a, which is not supervised (depends_on a/nope, which is not supervised (no such process))',
  );
});

test('a cycle leaves out every process on it, naming the cycle; a self-dependency is one', () => {
  const g = resolveDependencies([
    node('x', 'p', 'q'),
    node('x', 'q', 'y/r'),
    node('y', 'r', 'x/p'),
    node('z', 'z', 'z'),
    node('w', 'w', 'x/q'),
    node('ok', 'ok'),
  ]);
  assert.deepEqual([...g.dependencies.keys()], ['ok/ok']);
  assert.equal(g.excluded.get('x/p'), 'depends_on cycle: x/p -> x/q -> y/r -> x/p');
  assert.equal(g.excluded.get('y/r'), 'depends_on cycle: x/p -> x/q -> y/r -> x/p');
  assert.equal(g.excluded.get('z/z'), 'depends_on cycle: z/z -> z/z');
  assert.match(g.excluded.get('w/w') ?? '', /^depends_on x\/q, which is not supervised \(depends_on cycle/);
});

test('stopDependentsFirst: each stop waits for its dependents among the keys, the rest at once', async () => {
  // c -> b -> a, d -> a, e alone; stopping all but b's dependent c is waited for by b only.
  const deps = new Map([
    ['a', []],
    ['b', ['a']],
    ['c', ['b']],
    ['d', ['a']],
    ['e', []],
  ]);
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const stop = (key: string) =>
    new Promise<void>((resolve) => {
      log.push(`stop ${key}`);
      gates.set(key, () => {
        log.push(`down ${key}`);
        resolve();
      });
    });
  const all = stopDependentsFirst(['a', 'b', 'c', 'd', 'e'], deps, stop);
  const tick = () => new Promise((r) => setImmediate(r));
  await tick();
  assert.deepEqual(log, ['stop c', 'stop d', 'stop e'], 'the leaves at once, in parallel');
  gates.get('c')!();
  await tick();
  assert.deepEqual(log.slice(3), ['down c', 'stop b']);
  gates.get('b')!();
  await tick();
  assert.deepEqual(log.slice(5), ['down b'], 'a still waits for d');
  gates.get('d')!();
  await tick();
  assert.deepEqual(log.slice(6), ['down d', 'stop a']);
  gates.get('a')!();
  gates.get('e')!();
  await all;
});

test('stopDependentsFirst: a dependent not among the keys is not waited for; a failed stop does not block', async () => {
  const deps = new Map([
    ['a', []],
    ['b', ['a']],
    ['c', ['a']],
  ]);
  const order: string[] = [];
  await stopDependentsFirst(['a', 'b'], deps, async (key) => {
    order.push(key);
    if (key === 'b') throw new Error('b failed');
  });
  assert.deepEqual(order, ['b', 'a']);
});
